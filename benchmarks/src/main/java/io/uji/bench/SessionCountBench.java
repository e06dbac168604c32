package io.uji.bench;

import io.uji.streaming.BatchInfo;
import io.uji.streaming.DStream;
import io.uji.streaming.Durations;
import io.uji.streaming.GeneratorSpec;
import io.uji.streaming.MapWithStateDStream;
import io.uji.streaming.Pair;
import io.uji.streaming.PairDStream;
import io.uji.streaming.StateSpec;
import io.uji.streaming.StreamingConfig;
import io.uji.streaming.StreamingContext;
import io.uji.streaming.StreamingListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The session-count workload (docs/WORKLOADS.md) on keyed state, for profiling the operators: the generator source,
 * mapToPair, the operator and an output, on the system clock; the figure is N over the sum of
 * the batches' processing delays. The {@link Bench} main reports the official RESULT line.
 *
 * <pre>
 * java -Xmx1g -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
 *     io.uji.bench.SessionCountBench mapWithState|update [N K B [cacheEntriesPerPartition]]
 * </pre>
 */
public final class SessionCountBench {
  public static void main(String[] args) throws Exception {
    String variant = args.length > 0 ? args[0] : "mapWithState";
    long n = args.length > 1 ? Long.parseLong(args[1]) : 10_000_000L;
    long k = args.length > 2 ? Long.parseLong(args[2]) : 1_000_000L;
    long b = args.length > 3 ? Long.parseLong(args[3]) : 500_000L;
    StreamingConfig config = StreamingConfig.defaults();
    if (args.length > 4) {
      config = config.withStateCacheEntriesPerPartition(Integer.parseInt(args[4]));
    }
    long intervalMs = Long.getLong("intervalMs", 1000);
    StreamingContext ssc = new StreamingContext(config, Durations.milliseconds(intervalMs));
    java.util.concurrent.LinkedBlockingQueue<BatchInfo> completed = new java.util.concurrent.LinkedBlockingQueue<>();
    ssc.addStreamingListener(new StreamingListener() {
      @Override
      public void onBatchCompleted(BatchInfo info) {
        completed.add(info);
      }
    });
    final long users = k;
    DStream<String> events = ssc.generatorStream(new GeneratorSpec<>(
        i -> "user-" + Long.remainderUnsigned(i * 0x9E3779B97F4A7C15L, users), 0, b, n));
    PairDStream<String, Long> pairs = events.mapToPair(u -> new Pair<>(u, 1L));
    AtomicLong emitted = new AtomicLong();
    AtomicLong stateSum = new AtomicLong();
    AtomicLong stateKeys = new AtomicLong();
    long timeout = variant.equals("large") ? 3_600_000 : 60_000;
    if (variant.equals("update")) {
      pairs.<Long>updateStateByKey((values, old) -> {
        long sum = old.orElse(0L);
        for (Long v : values) {
          sum += v;
        }
        return Optional.of(sum);
      }).name("session-count").foreachBatch((d, t) -> {
        emitted.set(d.count());
      });
    } else {
      MapWithStateDStream<String, Long, Long, Pair<String, Long>> m = pairs.mapWithState(
          StateSpec.<String, Long, Long, Pair<String, Long>>function((user, one, state) -> {
            long c = state.exists() ? state.get() + 1 : 1;
            state.update(c);
            return new Pair<>(user, c);
          }).timeout(Durations.milliseconds(timeout)).types(String.class, Long.class).name("session-count"));
      m.foreachBatch((d, t) -> emitted.addAndGet(d.count()));
    }
    ssc.start();
    long batches = (n + b - 1) / b;
    long[] ms = new long[(int) batches];
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    long cpuStart = os.getProcessCpuTime();
    for (int i = 0; i < batches; i++) {
      BatchInfo info = completed.take();
      if (info.failureReason().isPresent()) {
        throw new IllegalStateException("batch failed: " + info.failureReason().get());
      }
      ms[i] = info.processingDelay();
      System.out.printf("batch %d: %d ms (%d records), rss %d MB, heap used %d MB%n", i, ms[i], info.numRecords(), rssMb(),
          (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
    }
    long cpuMs = (os.getProcessCpuTime() - cpuStart) / 1_000_000;
    ssc.stop(false);
    long total = 0;
    for (long x : ms) {
      total += x;
    }
    long[] rest = java.util.Arrays.copyOfRange(ms, 1, ms.length);
    java.util.Arrays.sort(rest);
    System.out.printf("RESULT variant=%s N=%d K=%d B=%d throughput_eps=%d throughput_excl_first=%d median_batch_ms=%d first_batch_ms=%d peak_rss_mb=%d emitted=%d cpu_ms=%d cpu_eps_2cores=%d%n",
        variant, n, k, b, n * 1000 / Math.max(1, total), (n - b) * 1000 / Math.max(1, total - ms[0]),
        rest.length == 0 ? 0 : rest[rest.length / 2], ms[0], peakRssMb(), emitted.get(), cpuMs,
        n * 2000 / Math.max(1, cpuMs));
  }

  static long rssMb() throws Exception {
    return field("VmRSS:");
  }

  static long peakRssMb() throws Exception {
    return field("VmHWM:");
  }

  private static long field(String name) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith(name)) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
      }
    }
    return -1;
  }
}
