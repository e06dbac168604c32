package io.uji.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VarintsTest {
  private static final int[] EDGES = {
    0, 1, 127, 128, 16_383, 16_384, (1 << 21) - 1, 1 << 21, (1 << 28) - 1, 1 << 28, Integer.MAX_VALUE
  };

  @Test
  void everyLengthEdgeReadsBackAndTakesTheBytesSizeSays() {
    for (int v : EDGES) {
      byte[] b = new byte[Varints.MAX_BYTES + 2];
      int end = Varints.write(b, 1, v);
      assertEquals(1 + Varints.size(v), end, "bytes written for " + v);
      assertEquals(v, Varints.read(b, 1), "read back from the array: " + v);
      ByteBuffer in = ByteBuffer.wrap(b, 1, end - 1);
      assertEquals(v, Varints.read(in), "read back from a buffer: " + v);
      assertEquals(end, in.position(), "the buffer is advanced past the varint of " + v);
    }
  }

  @Test
  void sizeGrowsByOneByteEverySevenBits() {
    assertEquals(1, Varints.size(127));
    assertEquals(2, Varints.size(128));
    assertEquals(3, Varints.size(1 << 14));
    assertEquals(4, Varints.size(1 << 21));
    assertEquals(5, Varints.size(1 << 28));
  }

  @Test
  void encodingIsRocksDbsVarint32LowBitsFirst() {
    byte[] b = new byte[5];
    assertEquals(2, Varints.write(b, 0, 300));
    assertArrayEquals(new byte[] {(byte) 0xAC, 0x02}, java.util.Arrays.copyOf(b, 2));
  }

  @Test
  void consecutiveVarintsOfRandomValuesReadBackInOrder() {
    Random random = new Random(7);
    int[] values = new int[1_000];
    byte[] b = new byte[values.length * Varints.MAX_BYTES];
    int pos = 0;
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextInt(Integer.MAX_VALUE) >>> random.nextInt(31);
      pos = Varints.write(b, pos, values[i]);
    }
    int at = 0;
    for (int v : values) {
      assertEquals(v, Varints.read(b, at));
      at += Varints.size(v);
    }
    assertEquals(pos, at);
  }

  @Test
  void aDamagedFilesVarintOfSixBytesIsRefused() {
    ByteBuffer in = ByteBuffer.wrap(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01});
    assertThrows(IllegalArgumentException.class, () -> Varints.read(in));
  }
}
