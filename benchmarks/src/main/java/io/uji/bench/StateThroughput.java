package io.uji.bench;

import io.uji.serde.KryoPool;
import io.uji.serde.KryoRegistry;
import io.uji.serde.KryoSerde;
import io.uji.serde.Serde;
import io.uji.state.StatePartition;
import io.uji.state.StateStore;
import io.uji.state.StateStoreConfig;
import io.uji.state.StateTable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Hand-run throughput check of the batch access pattern (not a test): per batch and partition,
 * getAll of the batch's distinct keys, put of every key, endBatch; 2 partitions in parallel;
 * a checkpoint every 5 batches. Keys follow the session-count generator.
 *
 * <pre>
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" io.uji.bench.StateThroughput \
 *     [users=1000000] [events=10000000] [batch=500000] [cacheEntriesPerTable=2000000] [serde=kryo|plain] [partitions=2]
 * </pre>
 */
public final class StateThroughput {
  private static final Serde<String> PLAIN_STRING = new Serde<>() {
    @Override
    public byte[] toBytes(String value) {
      return value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String fromBytes(byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  };

  private static final Serde<Long> PLAIN_LONG = new Serde<>() {
    @Override
    public byte[] toBytes(Long value) {
      return ByteBuffer.allocate(8).putLong(value).array();
    }

    @Override
    public Long fromBytes(byte[] bytes) {
      return ByteBuffer.wrap(bytes).getLong();
    }
  };

  private StateThroughput() {}

  public static void main(String[] args) throws Exception {
    long users = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
    long events = args.length > 1 ? Long.parseLong(args[1]) : 10_000_000;
    int batchSize = args.length > 2 ? Integer.parseInt(args[2]) : 500_000;
    long cacheEntries = args.length > 3 ? Long.parseLong(args[3]) : 2_000_000;
    boolean kryo = args.length <= 4 || args[4].equals("kryo");
    int partitions = args.length > 5 ? Integer.parseInt(args[5]) : 2;
    Serde<String> keySerde = PLAIN_STRING;
    Serde<Long> stateSerde = PLAIN_LONG;
    if (kryo) {
      KryoPool pool = new KryoPool(KryoRegistry.builtinsOnly());
      keySerde = new KryoSerde<>(pool, String.class);
      stateSerde = new KryoSerde<>(pool, Long.class);
    }
    Path dir = Files.createTempDirectory("uji-state-bench");
    System.out.println("dir " + dir);
    StateStoreConfig cfg = StateStoreConfig.of(dir.resolve("live")).withCacheEntriesPerTable(cacheEntries);
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(partitions, 2));
    try (StateStore store = StateStore.open(cfg)) {
      StateTable<String, Long> table = store.table("sessions", keySerde, stateSerde, partitions);
      long totalKeys = 0;
      long totalNanos = 0;
      int batches = (int) (events / batchSize);
      for (int b = 0; b < batches; b++) {
        // Pre-aggregation is the engine's job: not timed.
        List<List<String>> perPartition = new ArrayList<>();
        List<Set<String>> sets = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
          sets.add(new LinkedHashSet<>());
        }
        for (long i = (long) b * batchSize; i < (long) (b + 1) * batchSize; i++) {
          String k = "user-" + Long.remainderUnsigned(i * 0x9E3779B97F4A7C15L, users);
          sets.get(Math.floorMod(k.hashCode(), partitions)).add(k);
        }
        int distinct = 0;
        for (Set<String> s : sets) {
          perPartition.add(new ArrayList<>(s));
          distinct += s.size();
        }
        long start = System.nanoTime();
        List<Future<?>> fs = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
          StatePartition<String, Long> part = table.partition(p);
          List<String> keys = perPartition.get(p);
          fs.add(pool.submit(() -> {
            List<Long> out = new ArrayList<>(keys.size());
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            long c0 = mx.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            part.getAll(keys, out);
            long t1 = System.nanoTime();
            long c1 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < keys.size(); i++) {
              Long old = out.get(i);
              part.put(keys.get(i), old == null ? 1L : old + 1);
            }
            long t2 = System.nanoTime();
            part.endBatch();
            long t3 = System.nanoTime();
            long c3 = mx.getCurrentThreadCpuTime();
            if (partitions <= 4) System.out.printf("  p%d getAll %,d ms put %,d ms endBatch %,d ms; cpu getAll %,d ms total %,d ms%n", part.id(),
                (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000, (c1 - c0) / 1_000_000, (c3 - c0) / 1_000_000);
          }));
        }
        for (Future<?> f : fs) {
          f.get();
        }
        long cpNanos = 0;
        if (b % 5 == 4) {
          long c = System.nanoTime();
          store.checkpoint(dir.resolve("cp-" + b), pool);
          cpNanos = System.nanoTime() - c;
        }
        long nanos = System.nanoTime() - start;
        System.out.printf("batch %2d: %,d distinct keys in %,d ms (checkpoint %,d ms) = %,.0f keys/s, cached %,d, native %.0f MiB%n",
            b, distinct, nanos / 1_000_000, cpNanos / 1_000_000, distinct * 1e9 / nanos,
            java.util.stream.IntStream.range(0, partitions).mapToLong(p -> table.partition(p).cachedEntries()).sum(),
            store.nativeMemoryUsage() / 1048576.0);
        if (b > 0) {
          totalKeys += distinct;
          totalNanos += nanos;
        }
      }
      System.out.printf("RESULT distinct_keys_per_s=%,.0f (batches 1..%d, incl. checkpoints) users=%d cacheEntriesPerTable=%d serde=%s%n",
          totalKeys * 1e9 / totalNanos, batches - 1, users, cacheEntries, kryo ? "kryo" : "plain");
    } finally {
      pool.shutdown();
    }
  }
}
