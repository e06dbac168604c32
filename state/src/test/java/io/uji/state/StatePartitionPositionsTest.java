package io.uji.state;

import static io.uji.state.TestSerdes.LONG;
import static io.uji.state.TestSerdes.STRING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link StatePartition#putAt}/{@link StatePartition#removeAt}: writes by position of the last getAll. */
class StatePartitionPositionsTest {
  @TempDir Path tmp;

  private StateStoreConfig config() {
    return StateStoreConfig.builder().dir(tmp.resolve("live")).memoryBudgetBytes(32L << 20).build();
  }

  private static Map<String, Long> contents(StatePartition<String, Long> p) {
    Map<String, Long> all = new HashMap<>();
    p.forEach(all::put);
    return all;
  }

  @Test
  void putAtAndRemoveAtWriteTheirKeysAfterTheCacheWasResizedUnderThem() {
    Map<String, Long> model = new HashMap<>();
    try (StateStore store = StateStore.open(config())) {
      StatePartition<String, Long> p = store.table("t", STRING, LONG, 1).partition(0);
      for (int i = 0; i < 50; i++) {
        p.put("old-" + i, (long) i);
        model.put("old-" + i, (long) i);
      }
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        keys.add(i % 2 == 0 ? "old-" + i / 2 : "new-" + i);
      }
      p.getAll(keys, new ArrayList<>());
      // Far more new keys than getAll made room for: the cache grows, every entry moves to
      // another slot, and the positions of the getAll must not write where their keys were.
      for (int i = 0; i < 5_000; i++) {
        p.put("other-" + i, (long) -i);
        model.put("other-" + i, (long) -i);
      }
      for (int i = 0; i < keys.size(); i++) {
        if (i % 3 == 0) {
          p.removeAt(i);
          model.remove(keys.get(i));
        } else {
          p.putAt(i, 1000L + i);
          model.put(keys.get(i), 1000L + i);
        }
      }
      assertEquals(model, contents(p));
      p.flush();
    }
    try (StateStore store = StateStore.open(config())) {
      assertEquals(model, contents(store.table("t", STRING, LONG, 1).partition(0)));
    }
  }

  @Test
  void fileAtFilesTheKeysOfTheLastGetAllAsTimeIndexAddWould() {
    try (StateStore store = StateStore.open(config())) {
      StatePartition<String, Long> p = store.table("t", STRING, LONG, 2).partition(1);
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < 20_000; i++) {
        keys.add("key-" + i); // several 64 KiB chunks of the index
      }
      p.getAll(keys, new ArrayList<>());
      p.timeIndex().add(10, List.of("before"));
      int[] every3rd = new int[keys.size()];
      List<String> filed = new ArrayList<>(List.of("before"));
      int n = 0;
      for (int i = 0; i < keys.size(); i += 3) {
        every3rd[n++] = i;
        filed.add(keys.get(i));
      }
      p.fileAt(10, every3rd, n);
      p.fileAt(10, new int[] {1}, 1);
      filed.add(keys.get(1));
      p.fileAt(11, new int[0], 0);
      assertEquals(List.of(new TimeIndex.Bucket<>(10, filed)), p.timeIndex().pollUpTo(Long.MAX_VALUE));
    }
  }

  @Test
  void fileAtSeveralTimesFilesAsOneFileAtPerTimeInOrderWould() {
    try (StateStore store = StateStore.open(config())) {
      StatePartition<String, Long> p = store.table("t", STRING, LONG, 2).partition(1);
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < 20_000; i++) {
        keys.add("key-" + i);
      }
      p.getAll(keys, new ArrayList<>());
      p.timeIndex().add(10, List.of("before-10"));
      p.timeIndex().add(12, List.of("before-12"));
      // Time 10 twice (its first range several 64 KiB chunks), 11 with no chunk yet but one
      // under an earlier time, 13 empty: mapWithState's slots all share one time when the
      // timeout is too short to spread them.
      long[] times = {12, 10, 11, 10, 13};
      int[] bounds = {0, 3, 15_003, 15_010, 20_000, 20_000};
      int[] positions = new int[keys.size()];
      for (int k = 0; k < positions.length; k++) {
        positions[k] = (k * 7919) % keys.size(); // a permutation, so chunks hold keys out of order
      }
      p.fileAt(times, positions, bounds);
      Map<Long, List<String>> expected = new java.util.TreeMap<>();
      expected.put(10L, new ArrayList<>(List.of("before-10")));
      expected.put(12L, new ArrayList<>(List.of("before-12")));
      for (int b = 0; b < times.length; b++) {
        for (int k = bounds[b]; k < bounds[b + 1]; k++) {
          expected.computeIfAbsent(times[b], t -> new ArrayList<>()).add(keys.get(positions[k]));
        }
      }
      List<TimeIndex.Bucket<String>> buckets = new ArrayList<>();
      expected.forEach((time, filed) -> buckets.add(new TimeIndex.Bucket<>(time, filed)));
      assertEquals(buckets, p.timeIndex().pollUpTo(Long.MAX_VALUE));
    }
  }

  @Test
  void fileAtRefusesAPositionThatIsNotOneOfTheLastGetAll() {
    try (StateStore store = StateStore.open(config())) {
      StatePartition<String, Long> p = store.table("t", STRING, LONG, 1).partition(0);
      p.getAll(List.of("a", "b"), new ArrayList<>());
      assertThrows(IllegalStateException.class, () -> p.fileAt(1, new int[] {2}, 1));
      p.endBatch();
      assertThrows(IllegalStateException.class, () -> p.fileAt(1, new int[] {0}, 1));
      assertEquals(List.of(), p.timeIndex().pollUpTo(Long.MAX_VALUE));
    }
  }

  @Test
  void putAtAndRemoveAtWriteTheirKeysWhenNothingMoved() {
    try (StateStore store = StateStore.open(config())) {
      StatePartition<String, Long> p = store.table("t", STRING, LONG, 1).partition(0);
      p.put("a", 1L);
      p.put("b", 2L);
      List<Long> out = new ArrayList<>();
      p.getAll(List.of("b", "absent", "a"), out);
      assertEquals(java.util.Arrays.asList(2L, null, 1L), out);
      p.putAt(1, 7L);
      p.removeAt(0);
      p.putAt(2, 3L);
      assertEquals(Map.of("absent", 7L, "a", 3L), contents(p));
    }
  }

  @Test
  void positionsAreRefusedOutsideTheLastGetAllAndAfterTheBatchEnds() {
    try (StateStore store = StateStore.open(config())) {
      StatePartition<String, Long> p = store.table("t", STRING, LONG, 1).partition(0);
      p.getAll(List.of("a", "b"), new ArrayList<>());
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.putAt(2, 1L));
      assertTrue(e.getMessage().contains("table 't' partition 0"), e.getMessage());
      assertThrows(IllegalStateException.class, () -> p.removeAt(-1));
      p.putAt(1, 1L);
      p.endBatch();
      assertThrows(IllegalStateException.class, () -> p.putAt(0, 1L));
      assertEquals(1L, p.get("b"));
      assertNull(p.get("a"));
    }
  }

  /**
   * Batches of getAll (with duplicates and absent keys), then putAt/removeAt by position mixed
   * with puts of other keys (which resize the cache now and then) and endBatch (which evicts:
   * the bound is small), against a HashMap.
   */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void positionalWritesAgreeWithAMapAcrossResizesAndEvictions(long seed) {
    Random rnd = new Random(seed);
    Map<String, Long> model = new HashMap<>();
    StateStoreConfig cfg = config().withCacheEntriesPerTable(300);
    try (StateStore store = StateStore.open(cfg)) {
      StatePartition<String, Long> p = store.table("t", STRING, LONG, 1).partition(0);
      for (int b = 0; b < 40; b++) {
        List<String> keys = new ArrayList<>();
        for (int i = 0, n = rnd.nextInt(200); i < n; i++) {
          keys.add("k" + rnd.nextInt(3_000));
        }
        List<Long> out = new ArrayList<>();
        p.getAll(keys, out);
        for (int i = 0; i < keys.size(); i++) {
          assertEquals(model.get(keys.get(i)), out.get(i), keys.get(i));
        }
        for (int i = 0; i < keys.size(); i++) {
          int what = rnd.nextInt(10);
          if (what < 6) {
            long v = rnd.nextLong();
            p.putAt(i, v);
            model.put(keys.get(i), v);
          } else if (what < 8) {
            p.removeAt(i);
            model.remove(keys.get(i));
          } else {
            for (int j = 0; j < 50; j++) {
              String other = "o" + rnd.nextInt(3_000);
              p.put(other, (long) j);
              model.put(other, (long) j);
            }
          }
        }
        p.endBatch();
        assertTrue(p.cachedEntries() <= 300, "bound kept after endBatch: " + p.cachedEntries());
      }
      assertEquals(model, contents(p));
    }
  }
}
