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
    try (TimeChunkWriter chunks = new TimeChunkWriter(store, cf, partition)) {
      chunks.start(time, nextSeq(time));
      for (K k : keys) {
        byte[] kb = keySerde.toBytes(k);
        chunks.add(kb, 0, kb.length);
      }
      chunks.end();
      chunks.write();
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
   * several times, as one {@link #add} per time in order would with the same keys, but with one
   * iterator and their small chunks in one write ({@link TimeChunkWriter}):
   * key {@code positions[k]} is {@code buf[starts[p], + lengths[p])}, and the keys at {@code
   * positions[bounds[b], bounds[b + 1])} go under {@code times[b]}, for b in [0, times.length).
   * The partition prefix is dropped. A time may appear twice (its later keys go after its
   * earlier ones) and a range may be empty.
   *
   * @throws StateStoreException if writing fails
   * @throws StateStoreClosedException if the store is closed
   */
  void addSerialized(long[] times, int[] bounds, byte[] buf, int[] starts, int[] lengths, int[] positions) {
    if (bounds[times.length] == bounds[0]) {
      store.checkOpen(table);
      return;
    }
    store.enterToWrite(table);
    try (TimeChunkWriter chunks = new TimeChunkWriter(store, cf, partition)) {
      // One iterator for all the times (mapWithState files a chunk of new keys under up to 16),
      // and their small chunks in one write (TimeChunkWriter), not an iterator and a write each.
      int[] nextSeqs = nextSeqs(times);
      for (int b = 0; b < times.length; b++) {
        if (bounds[b + 1] == bounds[b]) {
          continue;
        }
        chunks.start(times[b], nextSeqs[b]);
        for (int k = bounds[b]; k < bounds[b + 1]; k++) {
          int p = positions[k];
          chunks.add(buf, starts[p] + KeyLayout.PARTITION_BYTES, lengths[p] - KeyLayout.PARTITION_BYTES);
        }
        int next = chunks.end();
        for (int later = b + 1; later < times.length; later++) {
          if (times[later] == times[b]) {
            nextSeqs[later] = next; // its chunks may not be written yet: nextSeqs would not see them
          }
        }
      }
      chunks.write();
    } catch (RocksDBException e) {
      throw store.error("time index add", table, e);
    } finally {
      store.exit();
    }
  }

  /** As {@link #addRaw}; the caller holds {@code enter}. */
  void addRawLocked(long time, List<byte[]> stateKeys) {
    try (TimeChunkWriter chunks = new TimeChunkWriter(store, cf, partition)) {
      chunks.start(time, nextSeq(time));
      for (byte[] sk : stateKeys) {
        chunks.add(sk, KeyLayout.PARTITION_BYTES, sk.length - KeyLayout.PARTITION_BYTES);
      }
      chunks.end();
      chunks.write();
    } catch (RocksDBException e) {
      throw store.error("time index add", table, e);
    }
  }

  private int nextSeq(long time) throws RocksDBException {
    return nextSeqs(new long[] {time})[0];
  }

  /** @return for each of {@code times}, one more than its highest chunk sequence, or 0 */
  private int[] nextSeqs(long[] times) throws RocksDBException {
    int[] next = new int[times.length];
    long earliest = Long.MAX_VALUE;
    for (long t : times) {
      earliest = Math.min(earliest, t);
    }
    // Bounded below by the earliest time: a seek for a time with no chunk then stops there, not
    // after stepping back over the deletions of every bucket polled before.
    try (Slice lower = new Slice(KeyLayout.timeKey(partition, earliest, 0));
        ReadOptions ro = new ReadOptions().setIterateLowerBound(lower);
        RocksIterator it = store.db().newIterator(cf, ro)) {
      for (int b = 0; b < times.length; b++) {
        it.seekForPrev(KeyLayout.timeKey(partition, times[b], -1));
        if (it.isValid()) {
          byte[] key = it.key();
          next[b] = KeyLayout.timeOf(key) == times[b] ? KeyLayout.seqOf(key) + 1 : 0; // else an earlier time's
        } else {
          it.status();
        }
      }
    }
    return next;
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
      int len = Varints.read(blob, pos);
      pos += Varints.size(len);
      out.add(keySerde.fromBytes(Arrays.copyOfRange(blob, pos, pos + len)));
      pos += len;
    }
  }
}
