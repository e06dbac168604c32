package io.uji.kafka;

import java.util.Collection;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;

/** What a {@link KafkaSource} reads: named topics, or every topic whose name matches a pattern. */
interface Subscription {
  /** @return the subscription in the user's terms, for the checkpoint directory's program check and messages */
  String identity();

  /** @return the topics to read now (a pattern's matches may change between calls) */
  Set<String> topics(Admin admin, Deadline deadline) throws ExecutionException, TimeoutException, InterruptedException;

  static Subscription topics(Collection<String> names) {
    return new Named(new TreeSet<>(names));
  }

  static Subscription pattern(Pattern pattern) {
    return new Matching(pattern);
  }

  /** Named topics; a missing one has no partitions (yet). */
  record Named(SortedSet<String> names) implements Subscription {
    @Override
    public String identity() {
      return "kafka topics=" + String.join(",", names);
    }

    @Override
    public Set<String> topics(Admin admin, Deadline deadline) {
      return names;
    }
  }

  /** Every non-internal topic whose whole name matches. */
  record Matching(Pattern pattern) implements Subscription {
    @Override
    public String identity() {
      return "kafka pattern=" + pattern.pattern();
    }

    @Override
    public Set<String> topics(Admin admin, Deadline deadline)
        throws ExecutionException, TimeoutException, InterruptedException {
      Set<String> all = deadline.await(admin.listTopics(new ListTopicsOptions().timeoutMs(deadline.remainingMs())).names());
      return all.stream().filter(t -> pattern.matcher(t).matches()).collect(Collectors.toCollection(TreeSet::new));
    }
  }
}
