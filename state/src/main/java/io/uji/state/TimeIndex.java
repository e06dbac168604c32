package io.uji.state;

import io.uji.serde.Serde;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;

/**
 * Time-bucketed key sets of one partition, for timeouts: {@link #add} files keys under a time,
 * {@link #pollUpTo} takes out every bucket up to a time. Stored in the column family {@code
 * "<table>.timeouts"}, so checkpoints include it; written directly (no cache, no WAL).
 *
 * <p>The index is meant for lazy deletion: refreshing a key just adds it under its new time,
 * and whoever polls checks that the key's current deadline still equals the bucket's time
 * before expiring it. A key may therefore appear in several buckets.
 *
 * <p>Same thread contract as its {@link StatePartition}. Layout: see {@link KeyLayout}; a
 * bucket is stored as chunks of at most {@value #MAX_CHUNK_BYTES} bytes.
 *
 * @param <K> the key type
 */
public final class TimeIndex<K> {
  static final int MAX_CHUNK_BYTES = 64 << 10;

  /**
   * The keys filed under one time.
   *
   * @param time the bucket's time, as given to {@link #add}
   * @param keys the keys, in the order they were added
   */
  public record Bucket<K>(long time, List<K> keys) {}

  private final StateStore store;
  private final String table;
  private final int partition;
  private final Serde<K> keySerde;
  private final ColumnFamilyHandle cf;

  TimeIndex(StateStore store, String table, int partition, Serde<K> keySerde, ColumnFamilyHandle cf) {
    this.store = store;
    this.table = table;
    this.partition = partition;
    this.keySerde = keySerde;
    this.cf = cf;
  }

  /**
   * Files {@code keys} under {@code time}, after any keys already filed under it.
   *
   * @throws StateStoreException if writing fails
   * @throws StateStoreClosedException if the store is closed
   */
  public void add(long time, Collection<? extends K> keys) {
    if (keys.isEmpty()) {
      store.checkOpen(table);
      return;
    }
    store.enterToWrite(table);
    try (WriteBatch wb = new WriteBatch()) {
      int seq = nextSeq(time);
      byte[] buf = new byte[Math.min(MAX_CHUNK_BYTES, 4096)];
      int len = 0;
      for (K k : keys) {
        byte[] kb = keySerde.toBytes(k);
        int need = 5 + kb.length;
        if (len > 0 && len + need > MAX_CHUNK_BYTES) {
          wb.put(cf, KeyLayout.timeKey(partition, time, seq++), Arrays.copyOf(buf, len));
          len = 0;
        }
        if (len + need > buf.length) {
          buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + need));
        }
        len = putVarint(buf, len, kb.length);
        System.arraycopy(kb, 0, buf, len, kb.length);
        len += kb.length;
      }
      wb.put(cf, KeyLayout.timeKey(partition, time, seq), Arrays.copyOf(buf, len));
      store.db().write(store.writeOptions(), wb);
    } catch (RocksDBException e) {
      throw store.error("time index add", table, e);
    } finally {
      store.exit();
    }
  }

  /**
   * Files keys given as bytes under {@code time}, as {@link #add} does with the same keys
   * serialized: for a restore from a changelog, which carries each key's filing time beside its
   * bytes and deserializes nothing.
   *
   * @param stateKeys keys as {@link ChangeSink} gives them ({@code | partition : u16 | serialized
   *     key |}); the partition prefix is dropped
   * @throws StateStoreException if writing fails
   * @throws StateStoreClosedException if the store is closed
   */
  public void addRaw(long time, List<byte[]> stateKeys) {
    if (stateKeys.isEmpty()) {
      store.checkOpen(table);
      return;
    }
    store.enterToWrite(table);
    try {
      addRawLocked(time, stateKeys);
    } finally {
      store.exit();
    }
  }

  /**
   * Files RocksDB keys ({@code | partition : u16 | serialized key |}) held in one buffer under
   * {@code time}, as {@link #add} does with the same keys: key {@code positions[k]} is {@code
   * buf[starts[p], + lengths[p])}, for k in [0, n). The partition prefix is dropped.
   *
   * @throws StateStoreException if writing fails
   * @throws StateStoreClosedException if the store is closed
   */
  void addSerialized(long time, byte[] buf, int[] starts, int[] lengths, int[] positions, int n) {
    if (n == 0) {
      store.checkOpen(table);
      return;
    }
    store.enterToWrite(table);
    try (WriteBatch wb = new WriteBatch()) {
      int seq = nextSeq(time);
      byte[] out = new byte[Math.min(MAX_CHUNK_BYTES, 4096)];
      int len = 0;
      for (int k = 0; k < n; k++) {
        int p = positions[k];
        int keyStart = starts[p] + KeyLayout.PARTITION_BYTES;
        int keyLength = lengths[p] - KeyLayout.PARTITION_BYTES;
        int need = 5 + keyLength;
        if (len > 0 && len + need > MAX_CHUNK_BYTES) {
          wb.put(cf, KeyLayout.timeKey(partition, time, seq++), Arrays.copyOf(out, len));
          len = 0;
        }
        if (len + need > out.length) {
          out = Arrays.copyOf(out, Math.max(out.length * 2, len + need));
        }
        len = putVarint(out, len, keyLength);
        System.arraycopy(buf, keyStart, out, len, keyLength);
        len += keyLength;
      }
      wb.put(cf, KeyLayout.timeKey(partition, time, seq), Arrays.copyOf(out, len));
      store.db().write(store.writeOptions(), wb);
    } catch (RocksDBException e) {
      throw store.error("time index add", table, e);
    } finally {
      store.exit();
    }
  }

  /** As {@link #addRaw}; the caller holds {@code enter}. */
  void addRawLocked(long time, List<byte[]> stateKeys) {
    try (WriteBatch wb = new WriteBatch()) {
      int seq = nextSeq(time);
      byte[] buf = new byte[Math.min(MAX_CHUNK_BYTES, 4096)];
      int len = 0;
      for (byte[] sk : stateKeys) {
        int keyLength = sk.length - KeyLayout.PARTITION_BYTES;
        int need = 5 + keyLength;
        if (len > 0 && len + need > MAX_CHUNK_BYTES) {
          wb.put(cf, KeyLayout.timeKey(partition, time, seq++), Arrays.copyOf(buf, len));
          len = 0;
        }
        if (len + need > buf.length) {
          buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + need));
        }
        len = putVarint(buf, len, keyLength);
        System.arraycopy(sk, KeyLayout.PARTITION_BYTES, buf, len, keyLength);
        len += keyLength;
      }
      wb.put(cf, KeyLayout.timeKey(partition, time, seq), Arrays.copyOf(buf, len));
      store.db().write(store.writeOptions(), wb);
    } catch (RocksDBException e) {
      throw store.error("time index add", table, e);
    }
  }

  /** @return one more than the highest chunk sequence under {@code time}, or 0 */
  private int nextSeq(long time) throws RocksDBException {
    try (Slice lower = new Slice(KeyLayout.timeKey(partition, time, 0));
        ReadOptions ro = new ReadOptions().setIterateLowerBound(lower);
        RocksIterator it = store.db().newIterator(cf, ro)) {
      it.seekForPrev(KeyLayout.timeKey(partition, time, -1));
      if (it.isValid()) {
        return KeyLayout.seqOf(it.key()) + 1;
      }
      it.status();
      return 0;
    }
  }

  /**
   * Removes and returns every bucket whose time is {@code <= time}, in time order.
   *
   * @throws StateStoreException if reading or deleting fails
   * @throws io.uji.serde.SerdeException if a key cannot be deserialized
   * @throws StateStoreClosedException if the store is closed
   */
  public List<Bucket<K>> pollUpTo(long time) {
    store.enterToWrite(table);
    byte[] end = time == Long.MAX_VALUE
        ? KeyLayout.partitionEnd(partition)
        : KeyLayout.timeKey(partition, time + 1, 0);
    List<Bucket<K>> buckets = new ArrayList<>();
    try (Slice lower = new Slice(KeyLayout.partitionStart(partition));
        Slice upper = new Slice(end);
        ReadOptions ro = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper);
        RocksIterator it = store.db().newIterator(cf, ro);
        WriteBatch wb = new WriteBatch()) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        byte[] key = it.key();
        long t = KeyLayout.timeOf(key);
        Bucket<K> last = buckets.isEmpty() ? null : buckets.get(buckets.size() - 1);
        if (last == null || last.time() != t) {
          last = new Bucket<>(t, new ArrayList<>());
          buckets.add(last);
        }
        decode(it.value(), last.keys());
        wb.delete(cf, key);
      }
      it.status();
      if (wb.count() > 0) {
        store.db().write(store.writeOptions(), wb);
      }
      return buckets;
    } catch (RocksDBException e) {
      throw store.error("time index poll", table, e);
    } finally {
      store.exit();
    }
  }

  private void decode(byte[] blob, List<K> out) {
    int pos = 0;
    while (pos < blob.length) {
      int len = 0;
      int shift = 0;
      byte b;
      do {
        b = blob[pos++];
        len |= (b & 0x7F) << shift;
        shift += 7;
      } while (b < 0);
      out.add(keySerde.fromBytes(Arrays.copyOfRange(blob, pos, pos + len)));
      pos += len;
    }
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
