package io.uji.state;

import static io.uji.state.TestSerdes.LONG;
import static io.uji.state.TestSerdes.LONGS;
import static io.uji.state.TestSerdes.STRING;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read-only access queries use: {@link StatePartition#readCopy} and {@link TableScan} read
 * the cache first, then RocksDB, and change nothing (no cache fill, no recency, no flush).
 */
class ReadOnlyAccessTest {
  private static final int BOUND = 16;

  @TempDir Path tmp;

  private StateStore open() {
    return StateStore.open(StateStoreConfig.of(tmp.resolve("live")).withMemoryBudgetBytes(32L << 20)
        .withCacheEntriesPerTable(BOUND));
  }

  /** 100 keys, of which the cache keeps at most BOUND: the rest are in RocksDB only. */
  private static Map<String, Long> fill(StatePartition<String, Long> p) {
    Map<String, Long> expected = new TreeMap<>();
    for (int i = 0; i < 100; i++) {
      p.put("k" + i, (long) i);
      expected.put("k" + i, (long) i);
    }
    p.endBatch();
    assertTrue(p.cachedEntries() <= BOUND, "evicted down to the bound");
    return expected;
  }

  private static Map<String, Long> scan(StateTable<String, Long> t) {
    Map<String, Long> seen = new TreeMap<>();
    try (TableScan<String, Long> s = t.openScan()) {
      while (s.hasNext()) {
        StateEntry<String, Long> e = s.next();
        assertNull(seen.put(e.key(), e.state()), "key seen twice: " + e.key());
      }
    }
    return seen;
  }

  @Test
  void readCopyFindsCachedAndUncachedKeysWithoutCachingAnything() {
    try (StateStore store = open()) {
      StatePartition<String, Long> p = store.table("t", STRING, LONG, 1).partition(0);
      Map<String, Long> expected = fill(p);
      int cached = p.cachedEntries();
      long lookups = p.lookups();
      for (Map.Entry<String, Long> e : expected.entrySet()) {
        assertEquals(e.getValue(), p.readCopy(e.getKey()));
      }
      assertNull(p.readCopy("absent"));
      assertEquals(cached, p.cachedEntries(), "nothing was cached");
      assertEquals(lookups, p.lookups(), "no batch lookup counted");
    }
  }

  @Test
  void readCopyReturnsACopyThatChangesNothing() {
    try (StateStore store = open()) {
      StatePartition<String, long[]> p = store.table("t", STRING, LONGS, 1).partition(0);
      p.put("a", new long[] {1, 2});
      long[] copy = p.readCopy("a");
      copy[0] = 99;
      assertArrayEquals(new long[] {1, 2}, p.get("a"));
    }
  }

  @Test
  void aScanSeesTheCachesChangesOverRocksDbAndNothingAfterItOpened() {
    try (StateStore store = open()) {
      StateTable<String, Long> t = store.table("t", STRING, LONG, 2);
      Map<String, Long> expected = new HashMap<>();
      for (int part = 0; part < 2; part++) {
        StatePartition<String, Long> p = t.partition(part);
        for (int i = 0; i < 100; i++) {
          p.put(part + "-k" + i, (long) i);
          expected.put(part + "-k" + i, (long) i);
        }
        p.endBatch();
      }
      StatePartition<String, Long> p0 = t.partition(0);
      p0.put("0-k5", 500L); // changed in the cache only (maybe over an evicted entry)
      p0.remove("0-k6"); // removed in the cache only
      p0.put("0-new", 1L);
      expected.put("0-k5", 500L);
      expected.remove("0-k6");
      expected.put("0-new", 1L);
      try (TableScan<String, Long> s = t.openScan()) {
        p0.put("0-k7", 700L); // after the scan opened: not seen
        p0.flush();
        p0.endBatch();
        Map<String, Long> seen = new TreeMap<>();
        s.forEachRemaining(e -> seen.put(e.key(), e.state()));
        assertEquals(new TreeMap<>(expected), seen);
      }
      expected.put("0-k7", 700L);
      assertEquals(new TreeMap<>(expected), scan(t), "a new scan sees the later change");
    }
  }

  @Test
  void aCompleteCacheIsScannedAndCountedWithoutRocksDb() {
    try (StateStore store = StateStore.open(StateStoreConfig.of(tmp.resolve("live")))) {
      StateTable<String, Long> t = store.table("t", STRING, LONG, 1);
      for (int i = 0; i < 1000; i++) {
        t.partition(0).put("k" + i, (long) i);
      }
      t.partition(0).remove("k0");
      assertEquals(999, scan(t).size());
      assertEquals(999, t.approximateKeyCount());
    }
  }

  @Test
  void closingTheStoreEndsItsOpenScans() {
    StateStore store = open();
    StateTable<String, Long> t = store.table("t", STRING, LONG, 1);
    fill(t.partition(0));
    TableScan<String, Long> s = t.openScan();
    store.close(); // releases the scan's snapshot before the database
    assertThrows(StateStoreClosedException.class, () -> {
      while (s.hasNext()) {
        s.next();
      }
    });
    s.close();
  }

  @Test
  void aScanOfSomePartitionsListsTheirCachedAndStoredKeysOnly() {
    try (StateStore store = open()) {
      StateTable<String, Long> t = store.table("t", STRING, LONG, 3);
      Map<String, Long> expected = new TreeMap<>();
      for (int g = 0; g < 3; g++) {
        StatePartition<String, Long> p = t.partition(g);
        for (int i = 0; i < 40; i++) { // more than the partition's cache: some only in RocksDB
          p.put("g" + g + "-k" + i, (long) i);
          if (g != 1) {
            expected.put("g" + g + "-k" + i, (long) i);
          }
        }
        p.endBatch();
      }
      Map<String, Long> seen = new TreeMap<>();
      try (TableScan<String, Long> s = t.openScan(g -> g != 1)) {
        while (s.hasNext()) {
          StateEntry<String, Long> e = s.next();
          assertNull(seen.put(e.key(), e.state()), "key seen twice: " + e.key());
        }
      }
      assertEquals(expected, seen);
    }
  }
}
