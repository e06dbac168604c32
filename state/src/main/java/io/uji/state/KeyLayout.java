package io.uji.state;

/**
 * The byte layout of RocksDB keys; the only place that knows it.
 *
 * <pre>
 * state column family "&lt;table id&gt;":
 *   key   = | partition : u16 big-endian | serialized key (Serde&lt;K&gt;) |
 *   value = serialized state (Serde&lt;S&gt;)
 *
 * time index column family "&lt;table id&gt;.timeouts":
 *   key   = | partition : u16 BE | time ^ Long.MIN_VALUE : u64 BE | chunk seq : u32 BE |
 *   value = { | key length : varint | serialized key | }*
 *
 * meta column family "uji.meta":
 *   key   = "table/" + table id (UTF-8)
 *   value = | format version : u8 (=1) | numPartitions : u32 BE |
 * </pre>
 *
 * <p>Big-endian partition ids make each partition one contiguous, ordered key range, so a
 * partition is scanned with one bounded iterator. Flipping the sign bit of the time makes
 * unsigned byte order equal signed time order.
 */
final class KeyLayout {
  static final int PARTITION_BYTES = 2;
  /** Partition ids are u16 and partition {@code p + 1} bounds partition {@code p}'s range. */
  static final int MAX_PARTITIONS = 0xFFFF;
  static final int TIME_KEY_BYTES = PARTITION_BYTES + 8 + 4;

  private KeyLayout() {}

  static byte[] stateKey(int partition, byte[] key) {
    byte[] out = new byte[PARTITION_BYTES + key.length];
    out[0] = (byte) (partition >>> 8);
    out[1] = (byte) partition;
    System.arraycopy(key, 0, out, PARTITION_BYTES, key.length);
    return out;
  }

  static byte[] userKey(byte[] stateKey) {
    byte[] out = new byte[stateKey.length - PARTITION_BYTES];
    System.arraycopy(stateKey, PARTITION_BYTES, out, 0, out.length);
    return out;
  }

  /** @return the first key of partition {@code p}'s range (inclusive) */
  static byte[] partitionStart(int partition) {
    return new byte[] {(byte) (partition >>> 8), (byte) partition};
  }

  /** @return the end of partition {@code p}'s range (exclusive) */
  static byte[] partitionEnd(int partition) {
    return partitionStart(partition + 1);
  }

  static byte[] timeKey(int partition, long time, int seq) {
    byte[] out = new byte[TIME_KEY_BYTES];
    out[0] = (byte) (partition >>> 8);
    out[1] = (byte) partition;
    putLong(out, 2, time ^ Long.MIN_VALUE);
    putInt(out, 10, seq);
    return out;
  }

  static long timeOf(byte[] timeKey) {
    return getLong(timeKey, 2) ^ Long.MIN_VALUE;
  }

  static int seqOf(byte[] timeKey) {
    return getInt(timeKey, 10);
  }

  static void putLong(byte[] b, int off, long v) {
    for (int i = 7; i >= 0; i--) {
      b[off + i] = (byte) v;
      v >>>= 8;
    }
  }

  static long getLong(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[off + i] & 0xFF);
    }
    return v;
  }

  static void putInt(byte[] b, int off, int v) {
    b[off] = (byte) (v >>> 24);
    b[off + 1] = (byte) (v >>> 16);
    b[off + 2] = (byte) (v >>> 8);
    b[off + 3] = (byte) v;
  }

  static int getInt(byte[] b, int off) {
    return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
  }
}
