package io.uji.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ByteSinkTest {

  /** A serde that only has toBytes/fromBytes, so it gets the interface's default write. */
  private static final Serde<String> UTF8 = new Serde<>() {
    @Override
    public byte[] toBytes(String value) {
      return value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String fromBytes(byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  };

  private static byte[] written(ByteSink sink) {
    return Arrays.copyOf(sink.buffer(), sink.position());
  }

  @Test
  void shouldHoldEveryByteWrittenInOrderAcrossGrowth() {
    ByteSink sink = new ByteSink(0);
    byte[] expected = new byte[10_000];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = (byte) (i * 31);
    }
    sink.writeByte(expected[0]);
    sink.writeBytes(expected, 1, 4_999);
    sink.writeBytes(Arrays.copyOfRange(expected, 5_000, 10_000));
    assertEquals(10_000, sink.position());
    assertArrayEquals(expected, written(sink));
  }

  @Test
  void shouldKeepOnlyTheLowEightBitsOfAByte() {
    ByteSink sink = new ByteSink(4);
    sink.writeByte(0x1234);
    sink.writeByte(-1);
    assertArrayEquals(new byte[] {0x34, (byte) 0xFF}, written(sink));
  }

  @Test
  void shouldStartOverAfterClearReusingTheBuffer() {
    ByteSink sink = new ByteSink(64);
    sink.writeBytes(new byte[] {1, 2, 3});
    byte[] buffer = sink.buffer();
    sink.clear();
    assertEquals(0, sink.position());
    sink.writeBytes(new byte[] {9});
    assertSame(buffer, sink.buffer());
    assertArrayEquals(new byte[] {9}, written(sink));
  }

  @Test
  void shouldRejectARangeOutsideTheSourceArray() {
    ByteSink sink = new ByteSink(8);
    assertThrows(IndexOutOfBoundsException.class, () -> sink.writeBytes(new byte[4], 2, 3));
    assertEquals(0, sink.position());
  }

  @Test
  void shouldRejectANegativeCapacity() {
    assertThrows(IllegalArgumentException.class, () -> new ByteSink(-1));
  }

  @Test
  void shouldAppendTheBytesOfToBytesThroughTheDefaultWrite() {
    ByteSink sink = new ByteSink(2);
    UTF8.write("héllo", sink);
    UTF8.write("", sink);
    UTF8.write("wörld", sink);
    assertArrayEquals("héllowörld".getBytes(StandardCharsets.UTF_8), written(sink));
  }
}
