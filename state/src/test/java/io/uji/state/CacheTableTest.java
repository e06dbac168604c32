package io.uji.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CacheTableTest {

  /** A key whose hash code is shared by {@code i / 4}: long probe chains on purpose. */
  record Key(int i) {
    @Override
    public int hashCode() {
      return i / 4;
    }
  }

  private static int put(CacheTable<Key, Long> t, Key k, Long value, int batch) {
    int h = CacheTable.hash(k);
    int slot = t.find(k, h);
    if (slot < 0) {
      t.reserve(1);
      slot = t.insert(k, h, null, batch);
    }
    t.write(slot, value, batch);
    return slot;
  }

  private static Long get(CacheTable<Key, Long> t, Key k) {
    int slot = t.find(k, CacheTable.hash(k));
    return slot < 0 ? null : t.value(slot);
  }

  /** Asserts the table holds exactly the model: every key found with its value, nothing else. */
  private static void assertHolds(Map<Key, Long> model, Set<Key> dirty, CacheTable<Key, Long> t) {
    assertEquals(model.size(), t.size());
    for (Map.Entry<Key, Long> e : model.entrySet()) {
      int slot = t.find(e.getKey(), CacheTable.hash(e.getKey()));
      assertTrue(slot >= 0, "lost " + e.getKey());
      assertEquals(e.getValue(), t.value(slot), e.getKey().toString());
      assertEquals(dirty.contains(e.getKey()), t.isDirty(slot), e.getKey().toString());
    }
    int occupied = 0;
    for (int i = 0; i < t.capacity(); i++) {
      occupied += t.key(i) == null ? 0 : 1;
    }
    assertEquals(model.size(), occupied);
    assertEquals(dirty.size(), t.dirtyCount());
  }

  @Test
  void shouldFindEveryKeyWithItsValueAcrossManyResizes() {
    CacheTable<Key, Long> t = new CacheTable<>(4);
    Map<Key, Long> model = new HashMap<>();
    for (int i = 0; i < 5_000; i++) {
      put(t, new Key(i), (long) -i, 0);
      model.put(new Key(i), (long) -i);
    }
    assertHolds(model, model.keySet(), t);
    assertTrue(t.capacity() >= 5_000 * 4 / 3, "at most 3/4 full: capacity " + t.capacity());
    assertTrue(t.find(new Key(5_000), CacheTable.hash(new Key(5_000))) < 0);
  }

  @Test
  void shouldKeepSlotsAndGenerationWhileInsertingWithinAReservation() {
    CacheTable<Key, Long> t = new CacheTable<>(4);
    t.reserve(1_000);
    int generation = t.generation();
    List<Integer> slots = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      Key k = new Key(i);
      slots.add(t.insert(k, CacheTable.hash(k), (long) i, 0));
    }
    assertEquals(generation, t.generation());
    for (int i = 0; i < 1_000; i++) {
      assertEquals(new Key(i), t.key(slots.get(i)));
    }
  }

  @Test
  void shouldChangeGenerationWhenAResizeMovesEntries() {
    CacheTable<Key, Long> t = new CacheTable<>(8);
    for (int i = 0; i < 6; i++) {
      put(t, new Key(i), 1L, 0); // 6 of 8 slots: the threshold
    }
    int generation = t.generation();
    t.reserve(0);
    t.reserve(-1);
    assertEquals(generation, t.generation(), "nothing moves while there is room");
    put(t, new Key(6), 1L, 0);
    assertNotEquals(generation, t.generation());
    assertEquals(16, t.capacity());
  }

  @Test
  void shouldCountEachDirtyEntryOnce() {
    CacheTable<Key, Long> t = new CacheTable<>(16);
    int a = put(t, new Key(1), 1L, 0);
    put(t, new Key(1), 2L, 0);
    put(t, new Key(2), null, 0);
    assertEquals(2, t.dirtyCount());
    t.markClean(a);
    t.markClean(a);
    assertEquals(1, t.dirtyCount());
    assertTrue(t.markAllClean(), "the removal of Key(2) was among the dirty entries");
    assertEquals(0, t.dirtyCount());
    assertFalse(t.markAllClean());
    put(t, new Key(1), 3L, 0);
    assertFalse(t.markAllClean(), "no removal among them");
  }

  @Test
  void shouldRefuseToRemoveADirtyEntry() {
    CacheTable<Key, Long> t = new CacheTable<>(16);
    int slot = put(t, new Key(1), 1L, 0);
    assertThrows(IllegalStateException.class, () -> t.removeSlots(new int[] {slot}, 1));
  }

  @Test
  void shouldRemoveOnlyCleanAbsencesAndKeepTheRestFindable() {
    CacheTable<Key, Long> t = new CacheTable<>(16);
    for (int i = 0; i < 40; i++) {
      put(t, new Key(i), i % 3 == 0 ? null : (long) i, 0);
    }
    t.markAllClean();
    put(t, new Key(3), null, 1); // a dirty removal: stays until written
    t.removeCleanAbsent();
    Map<Key, Long> model = new HashMap<>();
    for (int i = 0; i < 40; i++) {
      if (i % 3 != 0) {
        model.put(new Key(i), (long) i);
      }
    }
    model.put(new Key(3), null);
    assertHolds(model, Set.of(new Key(3)), t);
  }

  @Test
  void shouldRecordTheBatchThatLastUsedAnEntry() {
    CacheTable<Key, Long> t = new CacheTable<>(16);
    Key k = new Key(1);
    int slot = t.insert(k, CacheTable.hash(k), 1L, 3);
    assertEquals(3, t.lastUsed(slot));
    assertFalse(t.isDirty(slot));
    t.touch(slot, 5);
    assertEquals(5, t.lastUsed(slot));
    t.write(slot, 2L, 7);
    assertEquals(7, t.lastUsed(slot));
  }

  /**
   * Random inserts, writes, removals of clean entries (in runs, then one compaction) and
   * resizes against a HashMap, with keys whose hashes collide in fours, so probe chains cross
   * removed slots and wrap around the end of the table.
   */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void shouldAgreeWithAMapUnderRandomInsertsWritesAndRemovals(long seed) {
    Random rnd = new Random(seed);
    CacheTable<Key, Long> t = new CacheTable<>(4);
    Map<Key, Long> model = new HashMap<>();
    Set<Key> dirty = new HashSet<>();
    for (int round = 0; round < 300; round++) {
      for (int op = 0; op < 20; op++) {
        Key k = new Key(rnd.nextInt(400));
        Long v = rnd.nextInt(5) == 0 ? null : rnd.nextLong();
        put(t, k, v, round);
        model.put(k, v);
        dirty.add(k);
      }
      if (rnd.nextInt(3) == 0) {
        t.markAllClean();
        dirty.clear();
      }
      List<Integer> clean = new ArrayList<>();
      for (int i = 0; i < t.capacity(); i++) {
        if (t.key(i) != null && !t.isDirty(i) && rnd.nextBoolean()) {
          clean.add(i);
        }
      }
      int[] slots = clean.stream().mapToInt(Integer::intValue).toArray();
      for (int s : slots) {
        model.remove(t.key(s));
      }
      int generation = t.generation();
      t.removeSlots(slots, slots.length);
      assertNotEquals(generation, t.generation());
      if (round % 10 == 0) {
        t.removeCleanAbsent();
        model.entrySet().removeIf(e -> e.getValue() == null && !dirty.contains(e.getKey()));
      }
      assertHolds(model, dirty, t);
      assertNull(get(t, new Key(-1)));
    }
  }

  @Test
  void shouldRejectACapacityThatIsNotAPowerOfTwo() {
    assertThrows(IllegalArgumentException.class, () -> new CacheTable<>(12));
    assertThrows(IllegalArgumentException.class, () -> new CacheTable<>(2));
  }
}
