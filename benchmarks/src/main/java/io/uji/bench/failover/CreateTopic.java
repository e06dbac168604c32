package io.uji.bench.failover;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Creates the failover benchmark's output topic (the broker creates no topic by itself, and both
 * systems' sinks need it). Arguments {@code key=value}: {@code bootstrap topic partitions}.
 */
public final class CreateTopic {
  private CreateTopic() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = Args.parse(args);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", Args.required(a, "bootstrap")))) {
      admin.createTopics(List.of(new NewTopic(Args.required(a, "topic"),
          Optional.of(Integer.parseInt(Args.required(a, "partitions"))), Optional.empty()))).all().get(60, TimeUnit.SECONDS);
    }
  }
}
