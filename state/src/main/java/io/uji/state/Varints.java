package io.uji.state;

import java.nio.ByteBuffer;

/**
 * Unsigned varints of non-negative ints: 7 bits a byte, low bits first, the high bit set on every byte
 * but the last (LEB128, RocksDB's {@code varint32}). Every length prefix of this package's byte layouts
 * is one: the cache's slab entries, time-index chunks, the checkpoint's dirty-entries file and the
 * {@code WriteBatch} records {@link WriteBatchEncoder} builds for RocksDB, which must match RocksDB's
 * encoding bit for bit. One implementation, so that the layouts cannot drift apart.
 */
final class Varints {
  /** The most bytes the varint of an int takes. */
  static final int MAX_BYTES = 5;

  private Varints() {}

  /**
   * Writes {@code v} at {@code pos}; the caller has made room for {@link #size(int)} bytes.
   *
   * @return the position after it
   */
  static int write(byte[] b, int pos, int v) {
    while ((v & ~0x7F) != 0) {
      b[pos++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    b[pos++] = (byte) v;
    return pos;
  }

  /**
   * Reads the varint at {@code pos} of bytes this process wrote (a cache page, a chunk it filed): not
   * validated, for speed on the hot path. Bytes read from a file go through {@link #read(ByteBuffer)}.
   */
  static int read(byte[] b, int pos) {
    int v = 0;
    for (int shift = 0; ; shift += 7) {
      byte x = b[pos++];
      v |= (x & 0x7F) << shift;
      if (x >= 0) {
        return v;
      }
    }
  }

  /**
   * Reads a varint from a file's bytes, advancing {@code in}.
   *
   * @throws IllegalArgumentException if it runs over {@link #MAX_BYTES} bytes (a damaged file)
   */
  static int read(ByteBuffer in) {
    int v = 0;
    for (int shift = 0; shift < 7 * MAX_BYTES; shift += 7) {
      byte x = in.get();
      v |= (x & 0x7F) << shift;
      if (x >= 0) {
        return v;
      }
    }
    throw new IllegalArgumentException("varint longer than " + MAX_BYTES + " bytes");
  }

  /** @return how many bytes {@link #write} takes for {@code v} */
  static int size(int v) {
    return v < (1 << 7) ? 1 : v < (1 << 14) ? 2 : v < (1 << 21) ? 3 : v < (1 << 28) ? 4 : 5;
  }
}
