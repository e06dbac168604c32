package io.uji.kafka.local;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code read}: prints a topic's records from its beginning to its end as it is now, as a
 * read_committed consumer sees them (records of aborted or open transactions are not shown).
 */
@Command(name = "read", mixinStandardHelpOptions = true, versionProvider = KafkaVersion.class,
    description = "Prints a topic's committed records (read_committed), from the beginning to the current end.")
final class ReadCommand implements Callable<Integer> {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** How record values are decoded. */
  enum ValueFormat { string, longs }

  @Spec
  private CommandSpec spec;

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9092",
      description = "The broker (default: ${DEFAULT-VALUE}).")
  private String bootstrap;

  @Option(names = "--topic", paramLabel = "TOPIC", required = true, description = "The topic to read.")
  private String topic;

  @Option(names = "--latest", description = "Print only the latest value of each key, sorted by key.")
  private boolean latest;

  @Option(names = "--values", paramLabel = "FORMAT", defaultValue = "string",
      description = "How values are decoded: string or longs (8-byte, as the loader writes them) "
          + "(default: ${DEFAULT-VALUE}).")
  private ValueFormat values;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Map<String, Object> config = new HashMap<>(Map.of("bootstrap.servers", bootstrap,
        "isolation.level", "read_committed", "enable.auto.commit", false, "client.id", "uji-local-kafka-read"));
    Deserializer<?> valueDeserializer = values == ValueFormat.longs ? new LongDeserializer() : new StringDeserializer();
    long n = 0;
    Map<String, String> latestByKey = new TreeMap<>();
    try (KafkaConsumer<String, ?> consumer = new KafkaConsumer<>(config, new StringDeserializer(), valueDeserializer)) {
      List<TopicPartition> tps = consumer.partitionsFor(topic, TIMEOUT).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      if (tps.isEmpty()) {
        throw new LocalKafkaException("Topic " + topic + " does not exist at " + bootstrap);
      }
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<TopicPartition, Long> end = consumer.endOffsets(tps, TIMEOUT);
      while (tps.stream().anyMatch(tp -> consumer.position(tp, TIMEOUT) < end.get(tp))) {
        for (ConsumerRecord<String, ?> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
            continue;
          }
          n++;
          if (latest) {
            latestByKey.put(r.key(), String.valueOf(r.value()));
          } else {
            out.println(r.key() + " " + r.value());
          }
        }
      }
      latestByKey.forEach((k, v) -> out.println(k + " " + v));
      out.printf("Read %d records of topic %s (%d partitions) at %s%n", n, topic, tps.size(), bootstrap);
    }
    return 0;
  }
}
