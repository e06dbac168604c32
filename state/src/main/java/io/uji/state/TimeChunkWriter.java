package io.uji.state;

import java.util.Arrays;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * Packs keys filed under a time into a {@link TimeIndex}'s chunks ({@code { | key length : varint
 * | serialized key | }*}, at most {@value TimeIndex#MAX_CHUNK_BYTES} bytes unless one key is
 * larger), put into a {@link WriteBatch} under consecutive sequences. The one place that knows a
 * chunk's layout for writing; the batch and its write belong to the caller.
 */
final class TimeChunkWriter {
  private final WriteBatch wb;
  private final ColumnFamilyHandle cf;
  private final int partition;
  private byte[] buf = new byte[Math.min(TimeIndex.MAX_CHUNK_BYTES, 4096)];
  private int len;
  private long time;
  private int seq;

  TimeChunkWriter(WriteBatch wb, ColumnFamilyHandle cf, int partition) {
    this.wb = wb;
    this.cf = cf;
    this.partition = partition;
  }

  /** Files the keys added next under {@code time}, its first chunk at sequence {@code seq}. */
  void start(long time, int seq) {
    this.time = time;
    this.seq = seq;
    len = 0;
  }

  /** Adds the key {@code src[off, + length)} (serialized, without the partition prefix). */
  void add(byte[] src, int off, int length) throws RocksDBException {
    int need = 5 + length; // a varint of an int takes at most 5 bytes
    if (len > 0 && len + need > TimeIndex.MAX_CHUNK_BYTES) {
      putChunk();
    }
    if (len + need > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + need));
    }
    len = putVarint(buf, len, length);
    System.arraycopy(src, off, buf, len, length);
    len += length;
  }

  /**
   * Puts the time's last chunk, if any key was added since {@link #start}.
   *
   * @return the time's next free sequence
   */
  int end() throws RocksDBException {
    if (len > 0) {
      putChunk();
    }
    return seq;
  }

  private void putChunk() throws RocksDBException {
    wb.put(cf, KeyLayout.timeKey(partition, time, seq++), Arrays.copyOf(buf, len));
    len = 0;
  }

  private static int putVarint(byte[] buf, int pos, int v) {
    while ((v & ~0x7F) != 0) {
      buf[pos++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[pos++] = (byte) v;
    return pos;
  }
}
