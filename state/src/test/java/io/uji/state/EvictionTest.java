package io.uji.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class EvictionTest {

  /** Adds a key used last by {@code batch}, dirty or clean; @return its slot. */
  private static int add(CacheTable t, String key, int batch, boolean dirty) {
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    t.reserve(1);
    int slot = t.insert(k, 0, k.length, CacheTable.hash(k, 0, k.length), new byte[] {1}, 0, 1, batch);
    if (dirty) {
      t.write(slot, new byte[] {2}, 0, 1, batch);
    }
    return slot;
  }

  private static Set<String> keys(CacheTable t, int[] slots) {
    Set<String> out = new TreeSet<>();
    for (int s : slots) {
      out.add(new String(t.page(s), t.keyOffset(s), t.keyLength(s), StandardCharsets.UTF_8));
    }
    return out;
  }

  @Test
  void shouldEvictTheEntriesUnusedForTheMostBatchesFirst() {
    CacheTable t = new CacheTable(64);
    for (int b = 0; b < 10; b++) {
      add(t, "used-" + b, b, b % 2 == 0);
    }
    assertEquals(Set.of("used-0", "used-1", "used-2"), keys(t, Eviction.victims(t, 3, 10)));
  }

  @Test
  void shouldEvictCleanEntriesBeforeDirtyOnesOfTheSameAge() {
    CacheTable t = new CacheTable(64);
    add(t, "dirty-a", 4, true);
    add(t, "clean-a", 4, false);
    add(t, "dirty-b", 4, true);
    add(t, "clean-b", 4, false);
    add(t, "young-clean", 9, false);
    assertEquals(Set.of("clean-a", "clean-b"), keys(t, Eviction.victims(t, 2, 10)));
    assertEquals(Set.of("clean-a", "clean-b", "dirty-a", "dirty-b"), keys(t, Eviction.victims(t, 4, 10)));
  }

  @Test
  void shouldTreatEveryAgePastTheCapAsEquallyOld() {
    CacheTable t = new CacheTable(64);
    add(t, "ancient-dirty", 0, true);
    add(t, "old-clean", 1000 - Eviction.MAX_AGE, false);
    // Without the cap the ancient entry would go first; with it, both are MAX_AGE old and the
    // clean one goes first.
    assertEquals(Set.of("old-clean"), keys(t, Eviction.victims(t, 1, 1000)));
  }

  @Test
  void shouldReturnExactlyTheCountAskedInSlotOrder() {
    CacheTable t = new CacheTable(256);
    for (int i = 0; i < 100; i++) {
      add(t, "k" + i, i % 5, i % 3 == 0);
    }
    for (int count : new int[] {0, 1, 37, 100}) {
      int[] victims = Eviction.victims(t, count, 5);
      assertEquals(count, victims.length);
      int[] sorted = victims.clone();
      Arrays.sort(sorted);
      assertArrayEquals(sorted, victims);
      assertEquals(count, Arrays.stream(victims).distinct().count());
    }
  }

  @Test
  void shouldRefuseToEvictMoreEntriesThanThereAre() {
    CacheTable t = new CacheTable(16);
    add(t, "only", 0, false);
    assertThrows(IllegalArgumentException.class, () -> Eviction.victims(t, 2, 1));
    assertThrows(IllegalArgumentException.class, () -> Eviction.victims(t, -1, 1));
  }
}
