package io.uji.bench.jmh;

import io.uji.serde.KryoPool;
import io.uji.serde.KryoRegistry;
import io.uji.serde.KryoSerde;
import io.uji.state.StatePartition;
import io.uji.state.StateStore;
import io.uji.state.StateStoreConfig;
import io.uji.state.StateTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.commons.io.file.PathUtils;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Keyed state get + update per key ({@link StatePartition}), one partition holding
 * {@code keys} (String "user-i" → Long) users, in RocksDB and, when {@code cached}, all of them
 * in the partition's heap cache; uncached = a cache of 8,192 entries, so almost every lookup
 * misses it and goes to RocksDB ({@code multiGet}; the 20-odd MB of SSTs do sit in RocksDB's
 * block cache, so it is RocksDB's CPU path, not the disk).
 *
 * <ul>
 *   <li>{@code getAllPutAt}: what mapWithState does per batch: {@code getAll} of 4,096 distinct
 *       random keys, {@code putAt(i, old + 1)} each, {@code endBatch()} (which evicts when over
 *       the bound); score per key;
 *   <li>{@code getPut}: one key at a time, {@code get} then {@code put}; score per key, plus an
 *       {@code endBatch()} every 4,096 keys.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class StateAccessBenchmark {
  static final int BATCH = 4096;

  @Param({"1000000"})
  int keys;

  @Param({"true", "false"})
  boolean cached;

  private Path dir;
  private StateStore store;
  private StatePartition<String, Long> part;
  private String[] names;
  private final SplittableRandom rnd = new SplittableRandom(42);
  private final List<String> batch = new ArrayList<>(BATCH);
  private final List<Long> found = new ArrayList<>(BATCH);

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("uji-jmh-state-");
    long cacheEntries = cached ? 2L * keys : 8192;
    store = StateStore.open(StateStoreConfig.of(dir.resolve("db")).withCacheEntriesPerTable(cacheEntries));
    KryoPool pool = new KryoPool(KryoRegistry.builtinsOnly());
    StateTable<String, Long> table = store.table("jmh", new KryoSerde<>(pool, String.class),
        new KryoSerde<>(pool, Long.class), 1);
    part = table.partition(0);
    names = new String[keys];
    for (int i = 0; i < keys; i++) {
      names[i] = "user-" + i;
    }
    // Load every key (in batches, as the engine does), then flush them to RocksDB.
    for (int from = 0; from < keys; from += BATCH) {
      List<String> ks = new ArrayList<>();
      for (int i = from; i < Math.min(keys, from + BATCH); i++) {
        ks.add(names[i]);
      }
      List<Long> out = new ArrayList<>();
      part.getAll(ks, out);
      for (int i = 0; i < ks.size(); i++) {
        part.putAt(i, 1L);
      }
      part.endBatch();
    }
    table.flush();
    part.endBatch();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    store.close();
    PathUtils.deleteDirectory(dir);
  }

  private void nextBatch() {
    batch.clear();
    // Random keys; a duplicate within 4,096 of 1 M is rare and harmless (getAll allows it).
    for (int i = 0; i < BATCH; i++) {
      batch.add(names[rnd.nextInt(keys)]);
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int getAllPutAt() {
    nextBatch();
    found.clear();
    part.getAll(batch, found);
    for (int i = 0; i < BATCH; i++) {
      Long v = found.get(i);
      part.putAt(i, v == null ? 1L : v + 1);
    }
    part.endBatch();
    return found.size();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long getPut() {
    nextBatch();
    long s = 0;
    for (int i = 0; i < BATCH; i++) {
      String k = batch.get(i);
      Long v = part.get(k);
      long nv = v == null ? 1L : v + 1;
      part.put(k, nv);
      s += nv;
    }
    part.endBatch();
    return s;
  }
}
