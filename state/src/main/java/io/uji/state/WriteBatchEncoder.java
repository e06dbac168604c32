package io.uji.state;

import java.util.Arrays;

/**
 * Builds the serialized form of a RocksDB {@code WriteBatch} in Java, so that a batch of many
 * puts costs one JNI call ({@code new WriteBatch(byte[])}) instead of one per record. Measured:
 * a JNI {@code WriteBatch.put} costs 0.3-1 µs a record under load, the encoding here ~0.05 µs.
 *
 * <p>The format is RocksDB's ({@code db/write_batch.cc}), unchanged since its first release
 * because the WAL is made of it:
 *
 * <pre>
 * rep     = | sequence : fixed64 LE (0, set by RocksDB) | count : fixed32 LE | record* |
 * record  = | 0x05 kTypeColumnFamilyValue    | cf id : varint32 | key : varstring | value : varstring |
 *         | | 0x04 kTypeColumnFamilyDeletion | cf id : varint32 | key : varstring |
 * varstring = | length : varint32 | bytes |
 * </pre>
 *
 * (Records of the default column family use other tags; the state never writes there.) The
 * count is checked against {@code WriteBatch.count()} after parsing.
 */
final class WriteBatchEncoder {
  private static final int HEADER = 12;
  private static final byte CF_VALUE = 0x05;
  private static final byte CF_DELETION = 0x04;

  private final int cfId;
  private byte[] buf = new byte[1 << 16];
  private int len = HEADER;
  private int count;

  WriteBatchEncoder(int cfId) {
    if (cfId == 0) {
      throw new IllegalArgumentException("the default column family uses other record tags");
    }
    this.cfId = cfId;
  }

  /** A put of {@code keySrc[keyOff, keyOff + keyLen)} = {@code valueSrc[valueOff, valueOff + valueLen)}. */
  void put(byte[] keySrc, int keyOff, int keyLen, byte[] valueSrc, int valueOff, int valueLen) {
    ensure(1 + 3 * Varints.MAX_BYTES + keyLen + valueLen);
    buf[len++] = CF_VALUE;
    len = Varints.write(buf, len, cfId);
    len = Varints.write(buf, len, keyLen);
    System.arraycopy(keySrc, keyOff, buf, len, keyLen);
    len += keyLen;
    len = Varints.write(buf, len, valueLen);
    System.arraycopy(valueSrc, valueOff, buf, len, valueLen);
    len += valueLen;
    count++;
  }

  /** A deletion of the key {@code src[keyOff, keyOff + keyLen)}. */
  void delete(byte[] src, int keyOff, int keyLen) {
    ensure(1 + 2 * Varints.MAX_BYTES + keyLen);
    buf[len++] = CF_DELETION;
    len = Varints.write(buf, len, cfId);
    len = Varints.write(buf, len, keyLen);
    System.arraycopy(src, keyOff, buf, len, keyLen);
    len += keyLen;
    count++;
  }

  int count() {
    return count;
  }

  int sizeBytes() {
    return len;
  }

  /** @return the serialized batch; the encoder is then empty again */
  byte[] finish() {
    byte[] out = Arrays.copyOf(buf, len);
    Arrays.fill(out, 0, 8, (byte) 0);
    out[8] = (byte) count;
    out[9] = (byte) (count >>> 8);
    out[10] = (byte) (count >>> 16);
    out[11] = (byte) (count >>> 24);
    len = HEADER;
    count = 0;
    return out;
  }

  private void ensure(int more) {
    if (len + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
  }
}
