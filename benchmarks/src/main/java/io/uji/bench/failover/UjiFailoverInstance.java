package io.uji.bench.failover;

import io.uji.kafka.KafkaGroup;
import io.uji.streaming.BatchInfo;
import io.uji.streaming.Durations;
import io.uji.streaming.Pair;
import io.uji.streaming.State;
import io.uji.streaming.StateSpec;
import io.uji.streaming.StreamingConfig;
import io.uji.streaming.StreamingContext;
import io.uji.streaming.StreamingListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One Uji instance of the kafka-failover benchmark ({@code bench/kafka-failover.sh}, run in a JVM
 * of its own): session-count of topic {@code input} as a {@link KafkaGroup} ({@code keyedStream →
 * mapValues(1) → reduceByKey → mapWithState "counts"}, each batch's new counts written through the
 * group's transactional sink to {@code output}), exactly once. The same program as recovery-tests'
 * {@code GroupJobMain}, with the benchmark's settings. Arguments {@code key=value}: {@code
 * bootstrap app instance state session-timeout-ms interval-ms state-memory-mb max-rate-per-partition
 * standbys} ({@code max-rate-per-partition} 0: no cap, backpressure alone; {@code standbys}: the
 * group's numStandbyReplicas, 0 by default).
 *
 * <p>Prints {@code BATCH epoch_ms=<completion> time=<batch time> records=<n>} after every batch.
 * The failover figure itself is measured outside (by {@link FailoverWatch}, from the group's
 * committed offsets), the same way for Kafka Streams; the restore figures come from the kafka
 * module's INFO lines ({@code Restored key group ...}, {@code Key group g runs here ...}).
 */
public final class UjiFailoverInstance {
  private UjiFailoverInstance() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = Args.parse(args);
    StreamingConfig config = StreamingConfig.defaults()
        .withStateMemoryBytes(Long.parseLong(a.getOrDefault("state-memory-mb", "64")) << 20)
        .withStateDir(Path.of(a.get("state")));
    StreamingContext ssc = new StreamingContext(config,
        Durations.milliseconds(Long.parseLong(a.getOrDefault("interval-ms", "500"))));
    ssc.addStreamingListener(new StreamingListener() {
      @Override
      public void onBatchCompleted(BatchInfo b) {
        System.out.println("BATCH epoch_ms=" + System.currentTimeMillis() + " time=" + b.batchTime().milliseconds()
            + " records=" + b.numRecords());
      }
    });
    KafkaGroup<String, Long> group = KafkaGroup.<String, Long>builder(Map.of("bootstrap.servers", a.get("bootstrap"),
            "key.deserializer", StringDeserializer.class, "value.deserializer", LongDeserializer.class))
        .applicationId(a.get("app")).topics("input").instanceId(a.get("instance"))
        .sessionTimeout(Duration.ofMillis(Long.parseLong(a.getOrDefault("session-timeout-ms", "10000"))))
        // the failure detector's timeout: the builder's 1.5 s unless given (0: no detector)
        .livenessTimeout(Duration.ofMillis(Long.parseLong(a.getOrDefault("liveness-timeout-ms", "1500"))))
        .maxRatePerPartition(Long.parseLong(a.getOrDefault("max-rate-per-partition", "0")))
        .numStandbyReplicas(Integer.parseInt(a.getOrDefault("standbys", "0")))
        .build();
    group.keyedStream(ssc)
        .mapValues(v -> 1L).reduceByKey(Long::sum)
        .mapWithState(StateSpec.function((String user, Optional<Long> n, State<Long> s) -> {
          s.update(s.getOption().orElse(0L) + n.orElse(0L));
          return Pair.of(user, s.get());
        }).types(String.class, Long.class)).name("counts")
        .foreachBatch(group.sink("output", Pair::key, new StringSerializer(), Pair::value, new LongSerializer()));
    ssc.start();
    System.out.println("STARTED epoch_ms=" + System.currentTimeMillis());
    System.out.flush();
    ssc.awaitTermination();
  }
}
