package io.uji.state;

import static io.uji.state.TestSerdes.LONG;
import static io.uji.state.TestSerdes.STRING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StatePartitionTest {
  @TempDir Path tmp;

  StateStoreConfig config() {
    return StateStoreConfig.of(tmp.resolve("live")).withMemoryBudgetBytes(32L << 20);
  }

  private static Map<String, Long> contents(StatePartition<String, Long> p) {
    Map<String, Long> all = new HashMap<>();
    p.forEach((k, v) -> assertNull(all.put(k, v), "key seen twice: " + k));
    return all;
  }

  @Test
  void putGetRemoveWorkThroughTheCache() {
    try (StateStore store = StateStore.open(config())) {
      StatePartition<String, Long> p = store.table("t", STRING, LONG, 1).partition(0);
      p.put("a", 1L);
      p.put("b", 2L);
      p.put("a", 3L);
      p.remove("b");
      assertEquals(3L, p.get("a"));
      assertNull(p.get("b"));
      assertNull(p.get("never"));
      assertEquals(2, p.dirtyEntries()); // the update of "a" and the removal of "b"
    }
  }

  @Test
  void putGetRemoveWorkAfterFlushAndReopen() {
    try (StateStore store = StateStore.open(config())) {
      StatePartition<String, Long> p = store.table("t", STRING, LONG, 1).partition(0);
      p.put("a", 1L);
      p.put("b", 2L);
      p.flush();
      assertEquals(0, p.dirtyEntries());
    }
    try (StateStore store = StateStore.open(config())) {
      StatePartition<String, Long> p = store.table("t", STRING, LONG, 1).partition(0);
      assertEquals(1L, p.get("a"));
      p.remove("a");
      p.put("c", 3L);
      p.flush();
    }
    try (StateStore store = StateStore.open(config())) {
      StatePartition<String, Long> p = store.table("t", STRING, LONG, 1).partition(0);
      assertNull(p.get("a"));
      assertEquals(2L, p.get("b"));
      assertEquals(3L, p.get("c"));
    }
  }

  @Test
  void peekReadsCachedAndStoredStateWithoutChangingTheCache() {
    try (StateStore store = StateStore.open(config())) {
      StatePartition<String, Long> p = store.table("t", STRING, LONG, 1).partition(0);
      p.put("stored", 1L);
      p.flush();
    }
    try (StateStore store = StateStore.open(config())) {
      StatePartition<String, Long> p = store.table("t", STRING, LONG, 1).partition(0);
      p.put("cached", 2L);
      assertEquals(2L, p.peek("cached"));
      assertEquals(1L, p.peek("stored"));
      assertNull(p.peek("never"));
      assertEquals(1, p.cachedEntries(), "a peek caches nothing, present or absent");
      assertEquals(1, p.dirtyEntries());
      assertEquals(1L, p.get("stored"));
      assertEquals(2, p.cachedEntries());
    }
  }

  @Test
  void aStateChangedInPlaceIsStoredOnlyWhenPutBack() {
    try (StateStore store = StateStore.open(config())) {
      StatePartition<String, long[]> p = store.table("t", STRING, TestSerdes.LONGS, 1).partition(0);
      p.put("k", new long[] {1});
      p.flush();
      long[] handedOut = p.get("k");
      handedOut[0] = 5;
      assertEquals(1L, p.get("k")[0], "the cache keeps bytes: changing an instance handed out changes nothing");
      assertEquals(0, p.dirtyEntries());
      p.put("k", handedOut);
      assertEquals(5L, p.get("k")[0]);
      assertEquals(1, p.dirtyEntries());
      p.put("k", new long[] {5});
      p.flush();
      p.put("k", new long[] {5});
      assertEquals(0, p.dirtyEntries(), "the same bytes as RocksDB's: nothing to write");
    }
  }

  /** Puts k0..k2499 into {@code p}'s cache and ends the batch; @return those keys */
  private static List<String> cache2500(StatePartition<String, Long> p) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 2_500; i++) {
      keys.add("k" + i);
      p.put("k" + i, (long) i);
    }
    p.endBatch();
    return keys;
  }

  /** getAll of {@code keys} (2,500 cached, then new ones), putAt each, and every value read back. */
  private static void getAllThenPutAtEach(StatePartition<String, Long> p, List<String> keys, Runnable afterGetAll) {
    List<Long> out = new ArrayList<>();
    p.getAll(keys, out);
    afterGetAll.run();
    for (int i = 0; i < keys.size(); i++) {
      p.putAt(i, i < 2_500 ? out.get(i) + 1 : -i);
    }
    for (int i = 0; i < keys.size(); i++) {
      assertEquals(i < 2_500 ? i + 1L : -i, p.get(keys.get(i)));
    }
  }

  @Test
  void getAllOfMostlyCachedKeysMakesRoomOnlyForTheOnesItDoesNotFind() {
    try (StateStore store = StateStore.open(config())) {
      StatePartition<String, Long> p = store.table("t", STRING, LONG, 1).partition(0);
      List<String> keys = cache2500(p);
      int slots = p.cacheIndexSlots(); // 4096: at most 3/4 full
      for (int i = 0; i < 100; i++) {
        keys.add("new" + i);
      }
      // 2,600 entries fit the same index; room for all 2,600 keys on top of the 2,500 cached
      // would have doubled it
      getAllThenPutAtEach(p, keys, () -> assertEquals(slots, p.cacheIndexSlots()));
    }
  }

  @Test
  void positionsOfGetAllStayValidWhenTheKeysItDoesNotFindGrowTheIndex() {
    try (StateStore store = StateStore.open(config())) {
      StatePartition<String, Long> p = store.table("t", STRING, LONG, 1).partition(0);
      List<String> keys = cache2500(p);
      int slots = p.cacheIndexSlots();
      for (int i = 0; i < 3_000; i++) {
        keys.add("new" + i);
      }
      getAllThenPutAtEach(p, keys, () -> assertTrue(p.cacheIndexSlots() > slots, "the index grew for the new keys"));
    }
  }

  @Test
  void getAllReturnsCachedStoredAndAbsentKeysInOrder() {
    try (StateStore store = StateStore.open(config())) {
      StatePartition<String, Long> p = store.table("t", STRING, LONG, 1).partition(0);
      for (int i = 0; i < 10_000; i++) {
        p.put("k" + i, (long) i);
      }
      p.flush();
    }
    try (StateStore store = StateStore.open(config())) {
      StatePartition<String, Long> p = store.table("t", STRING, LONG, 1).partition(0);
      p.put("k5", 55L); // cached, dirty
      assertEquals(7L, p.get("k7")); // cached, clean
      p.remove("k9"); // cached removal
      List<String> keys = new ArrayList<>(List.of("k5", "absent1", "k7", "k9", "k8"));
      for (int i = 100; i < 9_000; i++) {
        keys.add("k" + i); // more than one multiGet chunk
      }
      keys.add("absent2");
      List<Long> out = new ArrayList<>(List.of(-42L)); // appended after what is there
      p.getAll(keys, out);
      assertEquals(keys.size() + 1, out.size());
      assertEquals(Arrays.asList(-42L, 55L, null, 7L, null, 8L), out.subList(0, 6));
      for (int i = 100; i < 9_000; i++) {
        assertEquals((long) i, out.get(i - 100 + 6));
      }
      assertNull(out.get(out.size() - 1));
    }
  }

  @Test
  void forEachReturnsExactlyThePartitionsKeysMergedWithTheCache() {
    try (StateStore store = StateStore.open(config())) {
      StateTable<String, Long> t = store.table("t", STRING, LONG, 3);
      for (int i = 0; i < 3_000; i++) {
        t.partition(i % 3).put("k" + i, (long) i);
      }
      t.flush();
    }
    try (StateStore store = StateStore.open(config())) {
      StateTable<String, Long> t = store.table("t", STRING, LONG, 3);
      StatePartition<String, Long> p = t.partition(1);
      p.put("k1", -1L); // dirty update
      p.remove("k4"); // dirty removal
      p.put("new", 9L); // dirty insert
      Map<String, Long> expected = new HashMap<>();
      for (int i = 1; i < 3_000; i += 3) {
        expected.put("k" + i, (long) i);
      }
      expected.put("k1", -1L);
      expected.remove("k4");
      expected.put("new", 9L);
      assertEquals(expected, contents(p)); // scans RocksDB
      p.put("k7", -7L);
      expected.put("k7", -7L);
      assertEquals(expected, contents(p)); // the whole partition is cached now
      assertEquals(1000, contents(t.partition(0)).size());
    }
  }

  @Test
  void forEachActionMayUpdateAndRemoveTheKeyItIsGiven() {
    try (StateStore store = StateStore.open(config())) {
      StatePartition<String, Long> p = store.table("t", STRING, LONG, 1).partition(0);
      for (int i = 0; i < 100; i++) {
        p.put("k" + i, (long) i);
      }
      p.forEach((k, v) -> {
        if (v % 2 == 0) {
          p.remove(k);
        } else {
          p.put(k, v * 10);
        }
      });
      Map<String, Long> got = contents(p);
      assertEquals(50, got.size());
      assertEquals(10L, got.get("k1"));
    }
  }

  /**
   * Random puts, removes, gets and getAlls in batches against a HashMap model, with a cache far
   * smaller than the key space, reopening now and then (the cache is then cold and incomplete).
   */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void evictionKeepsContentsCorrectUnderASmallBound(long seed) {
    Random rnd = new Random(seed);
    Map<String, Long> model = new HashMap<>();
    StateStoreConfig cfg = config().withCacheEntriesPerTable(200);
    StateStore store = StateStore.open(cfg);
    try {
      StateTable<String, Long> t = store.table("t", STRING, LONG, 2);
      for (int b = 0; b < 60; b++) {
        if (b % 20 == 19) {
          t.flush();
          store.close();
          store = StateStore.open(cfg);
          t = store.table("t", STRING, LONG, 2);
        }
        for (int op = 0; op < 300; op++) {
          String k = "k" + rnd.nextInt(2_000);
          StatePartition<String, Long> p = t.partition(Math.floorMod(k.hashCode(), 2));
          int what = rnd.nextInt(10);
          if (what < 5) {
            long v = rnd.nextLong();
            p.put(k, v);
            model.put(k, v);
          } else if (what < 7) {
            p.remove(k);
            model.remove(k);
          } else {
            assertEquals(model.get(k), p.get(k), k);
          }
        }
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
          keys.add("k" + rnd.nextInt(2_000));
        }
        for (int pi = 0; pi < 2; pi++) {
          final int part = pi;
          List<String> mine = keys.stream().filter(k -> Math.floorMod(k.hashCode(), 2) == part).toList();
          List<Long> out = new ArrayList<>();
          t.partition(pi).getAll(mine, out);
          for (int i = 0; i < mine.size(); i++) {
            assertEquals(model.get(mine.get(i)), out.get(i), mine.get(i));
          }
          t.partition(pi).endBatch();
          assertTrue(t.partition(pi).cachedEntries() <= 100, "bound kept after endBatch");
        }
        if (b % 7 == 0) {
          Map<String, Long> all = new HashMap<>(contents(t.partition(0)));
          all.putAll(contents(t.partition(1)));
          assertEquals(model, all);
        }
      }
      t.flush();
    } finally {
      store.close();
    }
    try (StateStore reopened = StateStore.open(cfg)) {
      StateTable<String, Long> t = reopened.table("t", STRING, LONG, 2);
      Map<String, Long> all = new HashMap<>(contents(t.partition(0)));
      all.putAll(contents(t.partition(1)));
      assertEquals(model, all);
    }
  }

  @Test
  void timeIndexPollReturnsBucketsInTimeOrderAndDeletesThem() {
    try (StateStore store = StateStore.open(config())) {
      StateTable<String, Long> t = store.table("t", STRING, LONG, 2);
      TimeIndex<String> idx = t.partition(1).timeIndex();
      idx.add(30, List.of("c"));
      idx.add(-5, List.of("neg"));
      idx.add(10, List.of("a", "b"));
      idx.add(10, List.of("a2"));
      idx.add(20, List.of());
      t.partition(0).timeIndex().add(5, List.of("other partition"));
      List<String> many = new ArrayList<>();
      for (int i = 0; i < 20_000; i++) {
        many.add("key-" + i); // several chunks
      }
      idx.add(25, many);

      List<TimeIndex.Bucket<String>> first = idx.pollUpTo(10);
      assertEquals(List.of(new TimeIndex.Bucket<>(-5, List.of("neg")),
          new TimeIndex.Bucket<>(10, List.of("a", "b", "a2"))), first);
      assertEquals(List.of(), idx.pollUpTo(10));
      List<TimeIndex.Bucket<String>> rest = idx.pollUpTo(Long.MAX_VALUE);
      assertEquals(List.of(25L, 30L), rest.stream().map(TimeIndex.Bucket::time).toList());
      assertEquals(many, rest.get(0).keys());
      assertEquals(List.of(), idx.pollUpTo(Long.MAX_VALUE));
      assertEquals(List.of(new TimeIndex.Bucket<>(5, List.of("other partition"))),
          t.partition(0).timeIndex().pollUpTo(100));
    }
  }

  @Test
  void timeIndexIsPartOfCheckpoints() {
    Path cp = tmp.resolve("cp");
    try (StateStore store = StateStore.open(config())) {
      TimeIndex<String> idx = store.table("t", STRING, LONG, 1).partition(0).timeIndex();
      idx.add(10, List.of("a"));
      store.checkpoint(cp);
      idx.add(11, List.of("b"));
    }
    try (StateStore store = StateStore.restore(cp, config())) {
      TimeIndex<String> idx = store.table("t", STRING, LONG, 1).partition(0).timeIndex();
      idx.add(10, List.of("c")); // appended after the restored chunk, not over it
      assertEquals(List.of(new TimeIndex.Bucket<>(10, List.of("a", "c"))), idx.pollUpTo(100));
    }
  }
}
