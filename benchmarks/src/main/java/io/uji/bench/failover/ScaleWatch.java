package io.uji.bench.failover;

import io.uji.bench.ProcCpu;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The measuring side of {@code bench/kafka-scale.sh}: a group of 1, 2 or 3 {@link
 * UjiFailoverInstance}s counts a preloaded topic; this waits until the group's committed offsets
 * cover all {@code n} events (each batch commits its offsets in its transaction, so committed
 * offsets are finished work), and measures, from the first commit (every instance is up and the
 * group formed) to the last: the events per second, and the CPU seconds of the instances together
 * and of the broker, from /proc. Then it checks the result: per user, the last count in the output
 * topic (read_committed) must be the number of the user's events in the input topic.
 *
 * <p>Arguments {@code key=value}: {@code bootstrap app n k instance-pids (comma-separated)
 * broker-pid timeout-s}. Prints one {@code RESULT workload=kafka-scale ...} line.
 */
public final class ScaleWatch {
  private static final String INPUT = "input";
  private static final String OUTPUT = "output";

  private ScaleWatch() {}

  /** CPU counters at one moment. */
  private record Cpu(long nanos, double instancesS, double brokerS, double machineS) {
    static Cpu now(List<String> instancePids, String brokerPid) {
      double instances = instancePids.stream().mapToDouble(ProcCpu::pidCpuS).sum();
      return new Cpu(System.nanoTime(), instances, ProcCpu.pidCpuS(brokerPid), ProcCpu.machineBusyS());
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> a = Args.parse(args);
    String bootstrap = Args.required(a, "bootstrap");
    String app = Args.required(a, "app");
    long n = Long.parseLong(Args.required(a, "n"));
    List<String> pids = Arrays.asList(Args.required(a, "instance-pids").split(","));
    String brokerPid = Args.required(a, "broker-pid");
    long timeoutMs = Long.parseLong(a.getOrDefault("timeout-s", "900")) * 1000;
    long launched = System.nanoTime();
    Cpu first;
    Cpu last;
    long atFirst;
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      long committed;
      while ((committed = committedTotal(admin, app)) == 0) {
        deadline(launched, timeoutMs, "no batch committed");
        TimeUnit.MILLISECONDS.sleep(20);
      }
      first = Cpu.now(pids, brokerPid);
      atFirst = committed;
      while ((committed = committedTotal(admin, app)) < n) {
        deadline(launched, timeoutMs, committed + " of " + n + " events committed");
        TimeUnit.MILLISECONDS.sleep(20);
      }
      last = Cpu.now(pids, brokerPid);
    }
    double spanS = (last.nanos() - first.nanos()) / 1e9;
    double instances = last.instancesS() - first.instancesS();
    double broker = last.brokerS() - first.brokerS();
    double other = (last.machineS() - first.machineS()) - instances - broker;
    long measured = n - atFirst;
    double per10m = 10_000_000.0 / measured;
    String check = check(bootstrap, Long.parseLong(Args.required(a, "k")));
    System.out.printf(Locale.ROOT,
        "RESULT workload=kafka-scale system=uji instances=%d partitions=6 n=%d k=%s startup_s=%.1f span_s=%.1f"
            + " events_per_s=%.0f instances_cpu_s=%.1f broker_cpu_s=%.1f instances_cpu_s_per_10m=%.1f"
            + " broker_cpu_s_per_10m=%.1f other_cores=%.2f check=%s%n",
        pids.size(), n, a.get("k"), (first.nanos() - launched) / 1e9, spanS, measured / spanS, instances, broker,
        instances * per10m, broker * per10m, other / Math.max(1e-9, spanS), check);
  }

  private static void deadline(long launched, long timeoutMs, String what) {
    if (System.nanoTime() - launched > timeoutMs * 1_000_000) {
      throw new IllegalStateException("timed out: " + what);
    }
  }

  private static long committedTotal(Admin admin, String app) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(app)
        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
    return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(INPUT) && e.getValue() != null)
        .mapToLong(e -> e.getValue().offset()).sum();
  }

  /**
   * @return "ok", or what differs: per user, the input's event count against the output's last
   *     count (the sink writes a user's new count at every batch that saw the user, to the same
   *     partition, so the last one read is the newest)
   */
  private static String check(String bootstrap, long k) {
    Map<String, Long> truth = new HashMap<>((int) (k * 4 / 3));
    readAll(bootstrap, INPUT, new ByteArrayDeserializer(), (key, value) -> truth.merge(key, 1L, Long::sum));
    Map<String, Long> counted = new HashMap<>((int) (k * 4 / 3));
    readAll(bootstrap, OUTPUT, new LongDeserializer(), counted::put);
    long wrong = truth.entrySet().stream().filter(e -> !e.getValue().equals(counted.get(e.getKey()))).count();
    long extra = counted.keySet().stream().filter(u -> !truth.containsKey(u)).count();
    return wrong == 0 && extra == 0 ? "ok" : "FAILED(users=" + truth.size() + ",wrong=" + wrong + ",extra=" + extra + ")";
  }

  private static <V> void readAll(String bootstrap, String topic, org.apache.kafka.common.serialization.Deserializer<V> values,
      java.util.function.BiConsumer<String, V> each) {
    Map<String, Object> props = Map.of("bootstrap.servers", bootstrap, "isolation.level", "read_committed",
        "max.poll.records", 10_000, "enable.auto.commit", false);
    try (KafkaConsumer<String, V> c = new KafkaConsumer<>(props, new StringDeserializer(), values)) {
      List<TopicPartition> parts = c.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
        for (ConsumerRecord<String, V> r : c.poll(Duration.ofMillis(500))) {
          each.accept(r.key(), r.value());
        }
      }
    }
  }
}
