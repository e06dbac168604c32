package io.uji.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WriteOrderTest {
  @Test
  void approximateKeyOrderIsAPermutationSortedByTheBytesAfterTheCommonPrefix() {
    Random rnd = new Random(7);
    int n = 10_000;
    byte[][] keys = new byte[n][];
    for (int i = 0; i < n; i++) {
      keys[i] = ("\0\1user-" + rnd.nextInt(1_000_000)).getBytes(StandardCharsets.UTF_8);
    }
    int[] order = SerializedEntries.approximateKeyOrder(keys);
    int[] sortedIndexes = order.clone();
    Arrays.sort(sortedIndexes);
    for (int i = 0; i < n; i++) {
      assertEquals(i, sortedIndexes[i]);
    }
    for (int i = 1; i < n; i++) {
      byte[] a = Arrays.copyOfRange(keys[order[i - 1]], 0, Math.min(keys[order[i - 1]].length, 11));
      byte[] b = Arrays.copyOfRange(keys[order[i]], 0, Math.min(keys[order[i]].length, 11));
      assertEquals(true, Arrays.compareUnsigned(a, b) <= 0, "order broken at " + i);
    }
  }

  @Test
  void approximateKeyOrderHandlesOneKeyAndIdenticalPrefixes() {
    assertArrayEquals(new int[] {0}, SerializedEntries.approximateKeyOrder(new byte[][] {{1, 2}}));
    int[] order = SerializedEntries.approximateKeyOrder(new byte[][] {{1, 2, 3}, {1, 2}, {1}});
    assertArrayEquals(new int[] {2, 1, 0}, order);
  }
}
