package io.uji.state;

import static io.uji.state.TestSerdes.LONG;
import static io.uji.state.TestSerdes.STRING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.state.StateStore.RestoredEntries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore with {@link RestoredEntries#INTO_CACHE} puts the checkpoint's dirty entries ({@link
 * DirtyEntriesFile}) into the tables' caches, still dirty, instead of writing them into RocksDB:
 * they are read as the state, the next checkpoint and eviction write them, what exceeds the
 * cache's bound goes into RocksDB, and the checkpoint restores to the same state again.
 */
class RestoreIntoCacheTest {
  private static final int PARTITIONS = 2;
  private static final int KEYS = 6000;

  @TempDir Path tmp;
  /** The state the checkpoint {@code cp} holds. */
  private final Map<String, Long> model = new HashMap<>();
  /** Its entries kept beside RocksDB's copy. */
  private int dirtyAtCheckpoint;
  /** The same, by partition. */
  private final int[] dirtyByPartition = new int[PARTITIONS];

  private StateStoreConfig config(String name) {
    return StateStoreConfig.of(tmp.resolve(name)).withMemoryBudgetBytes(32L << 20);
  }

  private static int partitionOf(String key) {
    return Math.floorMod(key.hashCode(), PARTITIONS);
  }

  /**
   * Checkpoint {@code cp}: RocksDB's copy holds keys a0..a5999 with value i; its dirty-entries
   * file holds newer values of half of them, removals of some and new keys b0..b1999.
   */
  @BeforeEach
  void checkpointWithDirtyEntries() {
    try (StateStore store = StateStore.open(config("live"))) {
      StateTable<String, Long> t = store.table("counts", STRING, LONG, PARTITIONS);
      for (int i = 0; i < KEYS; i++) {
        put(t, "a" + i, i);
      }
      t.flush();
      for (int i = 0; i < KEYS; i += 2) {
        put(t, "a" + i, -i);
      }
      for (int i = 1; i < KEYS; i += 50) {
        t.partition(partitionOf("a" + i)).remove("a" + i);
        model.remove("a" + i);
      }
      for (int i = 0; i < 2000; i++) {
        put(t, "b" + i, 1_000_000 + i);
      }
      for (int p = 0; p < PARTITIONS; p++) {
        dirtyByPartition[p] = t.partition(p).dirtyEntries();
        dirtyAtCheckpoint += dirtyByPartition[p];
      }
      store.checkpoint(tmp.resolve("cp"));
    }
    assertTrue(Files.exists(tmp.resolve("cp").resolve(DirtyEntriesFile.NAME)));
  }

  private void put(StateTable<String, Long> t, String key, long value) {
    t.partition(partitionOf(key)).put(key, value);
    model.put(key, value);
  }

  /** The table's state read without changing it (no flush, no cache fill). */
  private static Map<String, Long> read(StateTable<String, Long> t) {
    Map<String, Long> all = new HashMap<>();
    try (TableScan<String, Long> scan = t.openScan()) {
      scan.forEachRemaining(e -> all.put(e.key(), e.state()));
    }
    return all;
  }

  private static int dirty(StateTable<String, Long> t) {
    int n = 0;
    for (int p = 0; p < t.numPartitions(); p++) {
      n += t.partition(p).dirtyEntries();
    }
    return n;
  }

  private StateStore restoreIntoCache(Path checkpoint, StateStoreConfig config) {
    return StateStore.restore(checkpoint, config, RestoredEntries.INTO_CACHE);
  }

  @Test
  void restoredEntriesFillThePartitionsOnTheGivenExecutorEachIntoItsOwnPartition() throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(PARTITIONS, r -> new Thread(r, "restore-fill"));
    Set<String> fillers = ConcurrentHashMap.newKeySet();
    Executor recording = task -> pool.execute(() -> {
      fillers.add(Thread.currentThread().getName());
      task.run();
    });
    try (StateStore store = restoreIntoCache(tmp.resolve("cp"), config("r"))) {
      StateTable<String, Long> t = store.table("counts", STRING, LONG, PARTITIONS, recording);
      assertEquals(Set.of("restore-fill"), fillers, "the partitions were filled on the executor only");
      for (int p = 0; p < PARTITIONS; p++) {
        assertEquals(dirtyByPartition[p], t.partition(p).dirtyEntries(), "partition " + p + " took its own entries");
      }
      assertEquals(store.restoredSequenceNumber(), store.latestSequenceNumber(), "nothing written into RocksDB");
      for (int i = 0; i < 2000; i++) {
        // Keys RocksDB's copy lacks: found only in the cache of the partition they belong to.
        assertEquals(1_000_000L + i, t.partition(partitionOf("b" + i)).get("b" + i), "b" + i);
      }
      assertEquals(model, read(t));
    } finally {
      pool.shutdown();
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void restoredDirtyEntriesAreReadFromTheCacheAndNotWrittenIntoRocksDb() {
    try (StateStore store = restoreIntoCache(tmp.resolve("cp"), config("r"))) {
      StateTable<String, Long> t = store.table("counts", STRING, LONG, PARTITIONS);
      assertEquals(dirtyAtCheckpoint, dirty(t), "every restored entry is cached and dirty");
      assertEquals(store.restoredSequenceNumber(), store.latestSequenceNumber(), "nothing written into RocksDB");
      assertEquals(model, read(t));
      assertEquals(-2L, t.partition(partitionOf("a2")).get("a2"));
      assertEquals(null, t.partition(partitionOf("a1")).get("a1"));
      assertFalse(Files.exists(tmp.resolve("r").resolve(DirtyEntriesFile.NAME)), "the file is not copied");
    }
  }

  @Test
  void theNextCheckpointKeepsTheRestoredEntriesBesideRocksDbWhenMostDirtyEntriesAreNew() {
    try (StateStore store = restoreIntoCache(tmp.resolve("cp"), config("r"))) {
      StateTable<String, Long> t = store.table("counts", STRING, LONG, PARTITIONS);
      // Restored entries are not fresh: enough new ones that the checkpoint copies them all.
      for (int i = 0; i < dirtyAtCheckpoint; i++) {
        put(t, "c" + i, i);
      }
      store.checkpoint(tmp.resolve("cp2"));
      assertTrue(Files.exists(tmp.resolve("cp2").resolve(DirtyEntriesFile.NAME)));
    }
    try (StateStore store = StateStore.restore(tmp.resolve("cp2"), config("r2"))) {
      assertEquals(model, StateStoreTest.contents(store.table("counts", STRING, LONG, PARTITIONS)));
    }
  }

  @Test
  void theNextCheckpointWritesTheRestoredEntriesIntoRocksDbWhenFewAreNew() {
    try (StateStore store = restoreIntoCache(tmp.resolve("cp"), config("r"))) {
      StateTable<String, Long> t = store.table("counts", STRING, LONG, PARTITIONS);
      put(t, "c", 7);
      store.checkpoint(tmp.resolve("cp2"));
      assertFalse(Files.exists(tmp.resolve("cp2").resolve(DirtyEntriesFile.NAME)));
      assertEquals(0, dirty(t));
    }
    try (StateStore store = StateStore.restore(tmp.resolve("cp2"), config("r2"))) {
      assertEquals(model, StateStoreTest.contents(store.table("counts", STRING, LONG, PARTITIONS)));
    }
  }

  @Test
  void evictionWritesRestoredEntriesIntoRocksDb() {
    int perPartition = 4000;
    StateStoreConfig config = config("r").withCacheEntriesPerTable((long) perPartition * PARTITIONS);
    try (StateStore store = restoreIntoCache(tmp.resolve("cp"), config)) {
      StateTable<String, Long> t = store.table("counts", STRING, LONG, PARTITIONS);
      for (int p = 0; p < PARTITIONS; p++) {
        // A batch of other keys: the restored entries, used by no batch, are evicted first.
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < perPartition; i++) {
          keys.add("x" + p + "-" + i);
        }
        t.partition(p).getAll(keys, new ArrayList<>());
        t.partition(p).endBatch();
        assertEquals(0, t.partition(p).dirtyEntries(), "partition " + p);
      }
    }
    // Unflushed dirty entries die with the store: what the reopened database holds was written.
    try (StateStore store = StateStore.open(config)) {
      assertEquals(model, read(store.table("counts", STRING, LONG, PARTITIONS)));
    }
  }

  @Test
  void entriesBeyondTheCacheBoundAreWrittenIntoRocksDbAndNoneIsLost() {
    int perPartition = 300;
    StateStoreConfig config = config("r").withCacheEntriesPerTable((long) perPartition * PARTITIONS);
    try (StateStore store = restoreIntoCache(tmp.resolve("cp"), config)) {
      StateTable<String, Long> t = store.table("counts", STRING, LONG, PARTITIONS);
      for (int p = 0; p < PARTITIONS; p++) {
        assertEquals(perPartition, t.partition(p).cachedEntries(), "partition " + p);
        assertEquals(perPartition, t.partition(p).dirtyEntries(), "partition " + p);
      }
      assertEquals(model, read(t));
      store.checkpoint(tmp.resolve("cp2"));
    }
    try (StateStore store = restoreIntoCache(tmp.resolve("cp2"), config("r2"))) {
      assertEquals(model, read(store.table("counts", STRING, LONG, PARTITIONS)));
    }
  }

  @Test
  void aSecondRestoreFromTheSameCheckpointGivesTheSameState() {
    try (StateStore store = restoreIntoCache(tmp.resolve("cp"), config("r"))) {
      StateTable<String, Long> t = store.table("counts", STRING, LONG, PARTITIONS);
      // Batches after the checkpoint, then a crash: some of their writes reached RocksDB.
      for (int i = 0; i < KEYS; i += 3) {
        t.partition(partitionOf("a" + i)).put("a" + i, 42L);
        t.partition(partitionOf("b" + i)).remove("b" + i);
      }
      t.flush();
      t.partition(partitionOf("a5")).put("a5", 43L);
    }
    try (StateStore store = restoreIntoCache(tmp.resolve("cp"), config("r"))) {
      StateTable<String, Long> t = store.table("counts", STRING, LONG, PARTITIONS);
      assertEquals(dirtyAtCheckpoint, dirty(t));
      assertEquals(model, read(t));
    }
    assertTrue(Files.exists(tmp.resolve("cp").resolve(DirtyEntriesFile.NAME)), "the checkpoint is not modified");
  }

  @Test
  void preloadFillsTheCacheAroundTheRestoredEntriesWithoutWritingThem() {
    try (StateStore store = restoreIntoCache(tmp.resolve("cp"), config("r"))) {
      StateTable<String, Long> t = store.table("counts", STRING, LONG, PARTITIONS);
      t.preload(Runnable::run);
      assertEquals(dirtyAtCheckpoint, dirty(t));
      assertEquals(store.restoredSequenceNumber(), store.latestSequenceNumber());
      for (int p = 0; p < PARTITIONS; p++) {
        assertTrue(t.partition(p).isComplete(), "partition " + p);
      }
      assertEquals(model, read(t));
    }
  }

  @Test
  void aCheckpointWritesTheRestoredEntriesOfATableNotOpened() {
    try (StateStore store = restoreIntoCache(tmp.resolve("cp"), config("r"))) {
      store.checkpoint(tmp.resolve("cp2"));
    }
    try (StateStore store = restoreIntoCache(tmp.resolve("cp2"), config("r2"))) {
      assertEquals(model, read(store.table("counts", STRING, LONG, PARTITIONS)));
    }
  }

  @Test
  void aRenamedTableTakesTheRestoredEntriesOfItsFormerId() {
    try (StateStore store = restoreIntoCache(tmp.resolve("cp"), config("r"))) {
      store.renameTable("counts", "sessions");
      StateTable<String, Long> t = store.table("sessions", STRING, LONG, PARTITIONS);
      assertEquals(dirtyAtCheckpoint, dirty(t));
      assertEquals(model, read(t));
    }
  }
}
