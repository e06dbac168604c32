package io.uji.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
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

  private static byte[] key(int i) {
    return ("\0\1key-" + i).getBytes(StandardCharsets.UTF_8);
  }

  /** A value of {@code length} bytes derived from {@code seed}. */
  private static byte[] value(long seed, int length) {
    byte[] v = new byte[length];
    new Random(seed).nextBytes(v);
    return v;
  }

  private static int find(CacheTable t, byte[] k) {
    return t.find(k, 0, k.length, CacheTable.hash(k, 0, k.length));
  }

  /** Sets {@code k} to {@code v} (null: absent), inserting it first if needed. */
  private static int put(CacheTable t, byte[] k, byte[] v, int batch) {
    int slot = find(t, k);
    if (slot < 0) {
      t.reserve(1);
      slot = t.insert(k, 0, k.length, CacheTable.hash(k, 0, k.length), null, 0, CacheTable.ABSENT, batch);
      t.markDirty(slot, batch);
    }
    t.write(slot, v, 0, v == null ? CacheTable.ABSENT : v.length, batch);
    return slot;
  }

  private static byte[] valueIn(CacheTable t, int slot) {
    int length = t.valueLength(slot);
    if (length == CacheTable.ABSENT) {
      return null;
    }
    int off = t.valueOffset(slot);
    return Arrays.copyOfRange(t.page(slot), off, off + length);
  }

  private static byte[] keyIn(CacheTable t, int slot) {
    int off = t.keyOffset(slot);
    return Arrays.copyOfRange(t.page(slot), off, off + t.keyLength(slot));
  }

  /** Asserts the table holds exactly the model: every key found with its value, nothing else. */
  private static void assertHolds(Map<Integer, byte[]> model, Set<Integer> dirty, CacheTable t) {
    assertEquals(model.size(), t.size());
    for (Map.Entry<Integer, byte[]> e : model.entrySet()) {
      int slot = find(t, key(e.getKey()));
      assertTrue(slot >= 0, "lost " + e.getKey());
      assertArrayEquals(e.getValue(), valueIn(t, slot), "value of " + e.getKey());
      assertArrayEquals(key(e.getKey()), keyIn(t, slot));
      assertEquals(dirty.contains(e.getKey()), t.isDirty(slot), "dirty flag of " + e.getKey());
    }
    int occupied = 0;
    for (int i = 0; i < t.capacity(); i++) {
      occupied += t.isOccupied(i) ? 1 : 0;
    }
    assertEquals(model.size(), occupied);
    assertEquals(dirty.size(), t.dirtyCount());
  }

  @Test
  void shouldFindEveryKeyWithItsValueAcrossManyResizes() {
    CacheTable t = new CacheTable(4);
    Map<Integer, byte[]> model = new HashMap<>();
    for (int i = 0; i < 5_000; i++) {
      byte[] v = value(i, i % 30);
      put(t, key(i), v, 0);
      model.put(i, v);
    }
    assertHolds(model, model.keySet(), t);
    assertTrue(t.capacity() >= 5_000 * 4 / 3, "at most 3/4 full: capacity " + t.capacity());
    assertTrue(find(t, key(5_000)) < 0);
  }

  @Test
  void shouldKeepValuesLongerThanAPage() {
    CacheTable t = new CacheTable(4);
    byte[] big = value(1, 3 << 20);
    int slot = put(t, key(1), big, 0);
    put(t, key(2), value(2, 10), 0);
    assertArrayEquals(big, valueIn(t, slot));
    assertArrayEquals(value(2, 10), valueIn(t, find(t, key(2))));
  }

  @Test
  void shouldKeepSlotsAndGenerationWhileInsertingWithinAReservation() {
    CacheTable t = new CacheTable(4);
    t.reserve(1_000);
    int generation = t.generation();
    List<Integer> slots = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      byte[] k = key(i);
      byte[] v = value(i, 8);
      slots.add(t.insert(k, 0, k.length, CacheTable.hash(k, 0, k.length), v, 0, v.length, 0));
    }
    assertEquals(generation, t.generation());
    for (int i = 0; i < 1_000; i++) {
      assertArrayEquals(key(i), keyIn(t, slots.get(i)));
    }
  }

  @Test
  void shouldChangeGenerationWhenAResizeMovesEntries() {
    CacheTable t = new CacheTable(8);
    for (int i = 0; i < 6; i++) {
      put(t, key(i), value(i, 4), 0); // 6 of 8 slots: the threshold
    }
    int generation = t.generation();
    t.reserve(0);
    t.reserve(-1);
    assertEquals(generation, t.generation(), "nothing moves while there is room");
    put(t, key(6), value(6, 4), 0);
    assertNotEquals(generation, t.generation());
    assertEquals(16, t.capacity());
  }

  @Test
  void shouldCountEachDirtyEntryOnce() {
    CacheTable t = new CacheTable(16);
    int a = put(t, key(1), value(1, 8), 0);
    put(t, key(1), value(2, 8), 0);
    put(t, key(2), null, 0);
    assertEquals(2, t.dirtyCount());
    t.markClean(a);
    t.markClean(a);
    assertEquals(1, t.dirtyCount());
    assertTrue(t.markAllClean(), "the removal of key 2 was among the dirty entries");
    assertEquals(0, t.dirtyCount());
    assertFalse(t.markAllClean());
    put(t, key(1), value(3, 8), 0);
    assertFalse(t.markAllClean(), "no removal among them");
  }

  @Test
  void shouldLeaveACleanEntryCleanWhenTheSameBytesAreWritten() {
    CacheTable t = new CacheTable(16);
    int slot = put(t, key(1), value(1, 8), 0);
    int absent = put(t, key(2), null, 0);
    t.markAllClean();
    t.write(slot, value(1, 8), 0, 8, 3);
    t.write(absent, null, 0, CacheTable.ABSENT, 3);
    assertEquals(0, t.dirtyCount(), "RocksDB already has these bytes");
    assertEquals(3, t.lastUsed(slot));
    t.write(slot, value(2, 8), 0, 8, 4);
    assertTrue(t.isDirty(slot), "other bytes of the same length");
    t.write(absent, value(2, 1), 0, 1, 4);
    assertTrue(t.isDirty(absent));
  }

  @Test
  void shouldRefuseToRemoveADirtyEntry() {
    CacheTable t = new CacheTable(16);
    int slot = put(t, key(1), value(1, 8), 0);
    assertThrows(IllegalStateException.class, () -> t.removeSlots(new int[] {slot}, 1));
  }

  @Test
  void shouldRemoveOnlyCleanAbsencesAndKeepTheRestFindable() {
    CacheTable t = new CacheTable(16);
    for (int i = 0; i < 40; i++) {
      put(t, key(i), i % 3 == 0 ? null : value(i, 8), 0);
    }
    t.markAllClean();
    put(t, key(3), null, 1); // clean absent, no change: stays clean
    t.markDirty(find(t, key(6)), 1); // a removal not yet written: stays until written
    t.removeCleanAbsent();
    Map<Integer, byte[]> model = new HashMap<>();
    for (int i = 0; i < 40; i++) {
      if (i % 3 != 0) {
        model.put(i, value(i, 8));
      }
    }
    model.put(6, null);
    assertHolds(model, Set.of(6), t);
  }

  @Test
  void shouldRecordTheBatchThatLastUsedAnEntry() {
    CacheTable t = new CacheTable(16);
    byte[] k = key(1);
    byte[] v = value(1, 8);
    int slot = t.insert(k, 0, k.length, CacheTable.hash(k, 0, k.length), v, 0, v.length, 3);
    assertEquals(3, t.lastUsed(slot));
    assertFalse(t.isDirty(slot));
    t.touch(slot, 5);
    assertEquals(5, t.lastUsed(slot));
    t.write(slot, value(2, 8), 0, 8, 7);
    assertEquals(7, t.lastUsed(slot));
  }

  @Test
  void shouldLeaveLittleOfTheSlabUnusedWhenEntriesAreOnlyAdded() {
    CacheTable t = new CacheTable(4);
    for (int i = 0; i < 100_000; i++) {
      byte[] k = key(i);
      byte[] v = value(i, 8 + i % 17);
      t.reserve(1);
      t.insert(k, 0, k.length, CacheTable.hash(k, 0, k.length), v, 0, v.length, 0);
      if (i % 97 == 0 && t.slabBytes() >= 64 << 10) {
        // A new page is a quarter of the slab: its unused end is at most a fifth of the slab.
        assertTrue(t.slabBytes() <= t.liveBytes() + t.liveBytes() / 4 + 4096,
            "after " + (i + 1) + " entries: " + t.slabBytes() + " slab bytes for " + t.liveBytes() + " live");
      }
    }
  }

  @Test
  void shouldCompactIntoOnePageSizedForTheLiveEntries() {
    CacheTable t = new CacheTable(16);
    for (int i = 0; i < 5_000; i++) {
      put(t, key(i), value(i, 10), 0);
    }
    long slab = t.slabBytes();
    for (int round = 1; round < 100; round++) {
      for (int i = 0; i < 5_000; i++) {
        put(t, key(i), value(round * 10_000L + i, 10 + round % 2), round);
        if (t.slabBytes() < slab) {
          assertEquals(t.liveBytes(), t.slabBytes(), "compacted into exactly the live bytes");
          return;
        }
        slab = t.slabBytes();
      }
    }
    throw new AssertionError("no compaction in 99 rounds of rewrites");
  }

  @Test
  void shouldReuseTheSpaceOfValuesThatChangedLength() {
    CacheTable t = new CacheTable(16);
    for (int i = 0; i < 100; i++) {
      put(t, key(i), value(i, 10), 0);
    }
    long live = t.liveBytes();
    for (int round = 1; round <= 2_000; round++) {
      for (int i = 0; i < 100; i++) {
        put(t, key(i), value(round * 1000L + i, 10 + round % 2), round);
      }
    }
    assertTrue(t.memoryBytes() < 4 * (live + (64 << 10)) + 13L * t.capacity() + 4096,
        "dead copies are compacted away: " + t.memoryBytes() + " bytes for " + t.liveBytes() + " live");
    for (int i = 0; i < 100; i++) {
      assertArrayEquals(value(2_000_000L + i, 10), valueIn(t, find(t, key(i))));
    }
  }

  /**
   * Random inserts, writes of values of changing lengths (so entries move within the slab and
   * the slab is compacted), removals of clean entries (in runs, then one compaction) and resizes
   * against a HashMap; at 3/4 load the probe chains cross removed slots and wrap around the end
   * of the table.
   */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
  void shouldAgreeWithAMapUnderRandomInsertsWritesAndRemovals(long seed) {
    Random rnd = new Random(seed);
    CacheTable t = new CacheTable(4);
    Map<Integer, byte[]> model = new HashMap<>();
    Set<Integer> dirty = new HashSet<>();
    for (int round = 0; round < 300; round++) {
      for (int op = 0; op < 20; op++) {
        int k = rnd.nextInt(400);
        byte[] v = rnd.nextInt(5) == 0 ? null : value(rnd.nextLong(), rnd.nextInt(200));
        int slot = find(t, key(k));
        byte[] old = slot < 0 ? null : valueIn(t, slot);
        boolean wasDirty = slot >= 0 && t.isDirty(slot);
        put(t, key(k), v, round);
        model.put(k, v);
        if (slot < 0 || wasDirty || !Arrays.equals(old, v)) {
          dirty.add(k);
        }
      }
      if (rnd.nextInt(3) == 0) {
        t.markAllClean();
        dirty.clear();
      }
      List<Integer> clean = new ArrayList<>();
      for (int i = 0; i < t.capacity(); i++) {
        if (t.isOccupied(i) && !t.isDirty(i) && rnd.nextBoolean()) {
          clean.add(i);
        }
      }
      int[] slots = clean.stream().mapToInt(Integer::intValue).toArray();
      for (int s : slots) {
        String name = new String(keyIn(t, s), StandardCharsets.UTF_8);
        model.remove(Integer.parseInt(name.substring(name.indexOf('-') + 1)));
      }
      int generation = t.generation();
      t.removeSlots(slots, slots.length);
      assertNotEquals(generation, t.generation());
      if (round % 10 == 0) {
        t.removeCleanAbsent();
        model.entrySet().removeIf(e -> e.getValue() == null && !dirty.contains(e.getKey()));
      }
      assertHolds(model, dirty, t);
      assertTrue(find(t, key(-1)) < 0);
    }
  }

  @Test
  void shouldRejectACapacityThatIsNotAPowerOfTwo() {
    assertThrows(IllegalArgumentException.class, () -> new CacheTable(12));
    assertThrows(IllegalArgumentException.class, () -> new CacheTable(2));
  }
}
