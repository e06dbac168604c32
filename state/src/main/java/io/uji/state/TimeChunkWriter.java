package io.uji.state;

import java.util.Arrays;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * Packs keys filed under times into a {@link TimeIndex}'s chunks ({@code { | key length : varint
 * | serialized key | }*}, at most {@value TimeIndex#MAX_CHUNK_BYTES} bytes unless one key is
 * larger) under consecutive sequences, and writes them: the one place that knows a chunk's
 * layout for writing. Owns its {@link WriteBatch}.
 *
 * <p>Small chunks of several times go to RocksDB in one write (mapWithState files a getAll
 * chunk's new keys under up to 16 times; one write each was a native batch and a write per
 * time). The batch is written as soon as it holds {@value TimeIndex#MAX_CHUNK_BYTES} bytes, not
 * at the end: a build-up batch files ~800 KB of new keys per getAll chunk, and with one native
 * batch that size session-count's peak RSS was ~50 MB higher in three alternated runs out of
 * three (glibc serves such a block with mmap, then raises its mmap threshold and keeps blocks
 * that size in its arenas; docs/PERFORMANCE.md, "a chunk's new keys filed in one write").
 */
final class TimeChunkWriter implements AutoCloseable {
  private final StateStore store;
  private final WriteBatch wb = new WriteBatch();
  private final ColumnFamilyHandle cf;
  private final int partition;
  private byte[] buf = new byte[Math.min(TimeIndex.MAX_CHUNK_BYTES, 4096)];
  private int len;
  private long time;
  private int seq;

  TimeChunkWriter(StateStore store, ColumnFamilyHandle cf, int partition) {
    this.store = store;
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
    int need = Varints.MAX_BYTES + length;
    if (len > 0 && len + need > TimeIndex.MAX_CHUNK_BYTES) {
      putChunk();
    }
    if (len + need > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + need));
    }
    len = Varints.write(buf, len, length);
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

  /** Writes what {@link #end} put and is not written yet. */
  void write() throws RocksDBException {
    if (wb.count() > 0) {
      store.db().write(store.writeOptions(), wb);
      wb.clear();
    }
  }

  @Override
  public void close() {
    wb.close();
  }

  private void putChunk() throws RocksDBException {
    wb.put(cf, KeyLayout.timeKey(partition, time, seq++), Arrays.copyOf(buf, len));
    len = 0;
    if (wb.getDataSize() >= TimeIndex.MAX_CHUNK_BYTES) {
      write();
    }
  }
}
