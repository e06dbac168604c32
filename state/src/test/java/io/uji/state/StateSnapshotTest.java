package io.uji.state;

import static io.uji.state.TestSerdes.LONG;
import static io.uji.state.TestSerdes.LONGS;
import static io.uji.state.TestSerdes.STRING;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two-phase checkpoint: capture at a boundary, write later while the partitions go on. */
class StateSnapshotTest {
  @TempDir Path tmp;

  StateStoreConfig config(String name) {
    return StateStoreConfig.of(tmp.resolve(name)).withMemoryBudgetBytes(32L << 20);
  }

  @Test
  void aCheckpointHoldsTheStateOfItsCaptureNotLaterWrites() {
    Path cp = tmp.resolve("cp");
    Map<String, Long> expected = new HashMap<>();
    try (StateStore store = StateStore.open(config("live"))) {
      StateTable<String, Long> t = store.table("counts", STRING, LONG, 2);
      for (int i = 0; i < 1000; i++) {
        t.partition(i % 2).put("k" + i, (long) i);
        expected.put("k" + i, (long) i);
      }
      t.partition(1).remove("k1");
      expected.remove("k1");
      StateSnapshot snapshot = store.beginCheckpoint(Runnable::run);
      t.partition(0).put("k0", -1L);
      t.partition(1).put("late", 7L);
      t.partition(1).remove("k3");
      snapshot.writeTo(cp);
      // The live store has the later writes.
      assertEquals(-1L, t.partition(0).get("k0"));
      assertEquals(7L, t.partition(1).get("late"));
      assertNull(t.partition(1).get("k3"));
    }
    try (StateStore store = StateStore.restore(cp, config("restored"))) {
      assertEquals(expected, StateStoreTest.contents(store.table("counts", STRING, LONG, 2)));
    }
  }

  @Test
  void aStateChangedInPlaceAfterTheCaptureIsCheckpointedAsCaptured() {
    Path cp = tmp.resolve("cp");
    try (StateStore store = StateStore.open(config("live"))) {
      StatePartition<String, long[]> p = store.table("sessions", STRING, LONGS, 1).partition(0);
      long[] state = {1, 10};
      p.put("user", state);
      StateSnapshot snapshot = store.beginCheckpoint(Runnable::run);
      state[0] = 2; // the next batch updates the cached instance in place
      p.put("user", state);
      snapshot.writeTo(cp);
    }
    try (StateStore store = StateStore.restore(cp, config("restored"))) {
      long[] restored = store.table("sessions", STRING, LONGS, 1).partition(0).get("user");
      assertEquals(1, restored[0]);
      assertEquals(10, restored[1]);
    }
  }

  @Test
  void anEvictionWaitsUntilTheCapturedEntriesAreInRocksDb() {
    try (StateStore store = StateStore.open(config("live").withCacheEntriesPerTable(10))) {
      StatePartition<String, Long> p = store.table("counts", STRING, LONG, 1).partition(0);
      for (int i = 0; i < 10; i++) {
        p.put("k" + i, (long) i);
      }
      p.endBatch();
      // Captured: clean in the cache, not in RocksDB yet.
      StateSnapshot snapshot = store.beginCheckpoint(Runnable::run);
      for (int i = 10; i < 30; i++) {
        p.put("k" + i, (long) i);
      }
      Thread evicting = new Thread(p::endBatch, "evicting");
      evicting.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> evicting.getState() == Thread.State.WAITING);
      assertTrue(evicting.isAlive(), "the eviction went ahead of the snapshot's writes");
      snapshot.writeTo(tmp.resolve("cp"));
      await().atMost(Duration.ofSeconds(30)).until(() -> !evicting.isAlive());
      assertTrue(p.cachedEntries() <= 10);
      for (int i = 0; i < 30; i++) {
        assertEquals((long) i, p.get("k" + i), "k" + i);
      }
    }
  }

  @Test
  void aSnapshotIsWrittenOnceAndTheNextCaptureFollowsIt() throws Exception {
    try (StateStore store = StateStore.open(config("live"))) {
      StatePartition<String, Long> p = store.table("counts", STRING, LONG, 1).partition(0);
      p.put("a", 1L);
      StateSnapshot first = store.beginCheckpoint(Runnable::run);
      CompletableFuture<StateSnapshot> second = CompletableFuture.supplyAsync(() -> store.beginCheckpoint(Runnable::run));
      first.writeTo(tmp.resolve("cp1"));
      assertThrows(IllegalStateException.class, () -> first.writeTo(tmp.resolve("cp1b")));
      second.get().writeTo(tmp.resolve("cp2"));
    }
    try (StateStore store = StateStore.restore(tmp.resolve("cp2"), config("restored"))) {
      assertEquals(1L, store.table("counts", STRING, LONG, 1).partition(0).get("a"));
    }
  }

  /** @return a checkpoint of a table "counts" of {@code partitions} partitions holding k0..k999 = 0..999 */
  private Path checkpointOfThousandKeys(int partitions) {
    Path cp = tmp.resolve("cp");
    try (StateStore store = StateStore.open(config("live"))) {
      StateTable<String, Long> t = store.table("counts", STRING, LONG, partitions);
      for (int i = 0; i < 1000; i++) {
        t.partition(i % partitions).put("k" + i, (long) i);
      }
      store.checkpoint(cp);
    }
    return cp;
  }

  @Test
  void preloadAfterRestoreCachesEveryEntryThatFits() {
    Path cp = checkpointOfThousandKeys(2);
    try (StateStore store = StateStore.restore(cp, config("restored"))) {
      StateTable<String, Long> t = store.table("counts", STRING, LONG, 2);
      assertEquals(0, t.partition(0).cachedEntries() + t.partition(1).cachedEntries());
      assertEquals(1000, t.preload(Runnable::run));
      assertEquals(500, t.partition(0).cachedEntries());
      assertEquals(500, t.partition(1).cachedEntries());
      assertEquals(999L, t.partition(1).get("k999"));
      assertNull(t.partition(1).get("absent"));
    }
  }

  @Test
  void preloadStopsAtTheCacheBoundAndEveryEntryStaysReadable() {
    Path cp = checkpointOfThousandKeys(1);
    try (StateStore store = StateStore.restore(cp, config("restored").withCacheEntriesPerTable(100))) {
      StateTable<String, Long> t = store.table("counts", STRING, LONG, 1);
      assertEquals(100, t.preload(Runnable::run));
      for (int i = 0; i < 1000; i++) {
        assertEquals((long) i, t.partition(0).get("k" + i));
      }
    }
  }
}
