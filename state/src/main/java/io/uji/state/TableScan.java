package io.uji.state;

import io.uji.serde.Serde;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;

/**
 * Every (key, state) of a {@link StateTable} as of one moment, read without changing the table
 * (no cache fill, no recency, no flush): from {@link StateTable#openScan()}.
 *
 * <p>At that moment the cached entries are copied ({@link CachedCopy}) and, when some partition's
 * cache does not hold all of it, a RocksDB snapshot is taken; the iteration then reads the
 * copies, then each such partition's key range in the snapshot, skipping the keys the cache had
 * (the cache is the newer truth). Iterating needs no lock; the snapshot and the iterator are
 * released by {@link #close()}, which the store also calls when it closes first.
 *
 * <p>Not thread-safe: one thread iterates.
 *
 * @param <K> the key type
 * @param <S> the state type
 */
public final class TableScan<K, S> implements Iterator<StateEntry<K, S>>, AutoCloseable {
  private final StateStore store;
  private final String table;
  private final ColumnFamilyHandle cf;
  private final Serde<K> keySerde;
  private final Serde<S> stateSerde;
  private final List<CachedCopy<K, S>> copies;
  /** Partitions whose RocksDB range must be read, with their copies (to skip cached keys). */
  private final List<Integer> uncachedPartitions;
  private final List<CachedCopy<K, S>> uncachedCopies;
  private Snapshot snapshot;
  private int copyIndex;
  private int entryIndex;
  private int rangeIndex = -1;
  private RocksIterator iterator;
  private ReadOptions readOptions;
  private Slice lower;
  private Slice upper;
  private StateEntry<K, S> next;
  private boolean closed;

  TableScan(StateStore store, String table, ColumnFamilyHandle cf, Serde<K> keySerde, Serde<S> stateSerde,
      List<CachedCopy<K, S>> copies, List<Integer> uncachedPartitions, List<CachedCopy<K, S>> uncachedCopies,
      Snapshot snapshot) {
    this.store = store;
    this.table = table;
    this.cf = cf;
    this.keySerde = keySerde;
    this.stateSerde = stateSerde;
    this.copies = copies;
    this.uncachedPartitions = uncachedPartitions;
    this.uncachedCopies = uncachedCopies;
    this.snapshot = snapshot;
  }

  /**
   * @throws StateStoreException if reading RocksDB fails
   * @throws StateStoreClosedException if the store closed (or this scan was closed) meanwhile
   */
  @Override
  public boolean hasNext() {
    if (next == null) {
      next = advance();
    }
    return next != null;
  }

  @Override
  public StateEntry<K, S> next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    StateEntry<K, S> e = next;
    next = null;
    return e;
  }

  private StateEntry<K, S> advance() {
    while (copyIndex < copies.size()) {
      CachedCopy<K, S> c = copies.get(copyIndex);
      if (entryIndex < c.size()) {
        return c.entry(entryIndex++);
      }
      copyIndex++;
      entryIndex = 0;
    }
    return advanceInRocksDb();
  }

  private StateEntry<K, S> advanceInRocksDb() {
    store.enter(table);
    try {
      synchronized (this) {
        if (closed) {
          throw new StateStoreClosedException("The scan of table '" + table + "' was closed");
        }
        while (true) {
          if (iterator == null) {
            if (++rangeIndex >= uncachedPartitions.size()) {
              return null;
            }
            openRange(uncachedPartitions.get(rangeIndex));
          } else {
            iterator.next();
          }
          if (!iterator.isValid()) {
            iterator.status();
            closeRange();
            continue;
          }
          K k = keySerde.fromBytes(KeyLayout.userKey(iterator.key()));
          if (!uncachedCopies.get(rangeIndex).shadows(k)) {
            return new StateEntry<>(k, stateSerde.fromBytes(iterator.value()));
          }
        }
      }
    } catch (RocksDBException e) {
      throw store.error("scan", table, e);
    } finally {
      store.exit();
    }
  }

  private void openRange(int partition) {
    lower = new Slice(KeyLayout.partitionStart(partition));
    upper = new Slice(KeyLayout.partitionEnd(partition));
    readOptions = new ReadOptions().setSnapshot(snapshot).setIterateLowerBound(lower).setIterateUpperBound(upper)
        .setFillCache(false);
    iterator = store.db().newIterator(cf, readOptions);
    iterator.seekToFirst();
  }

  private void closeRange() {
    // The iterator before its options and bounds, which it points to.
    if (iterator != null) {
      iterator.close();
      iterator = null;
    }
    if (readOptions != null) {
      readOptions.close();
      readOptions = null;
    }
    if (lower != null) {
      lower.close();
      upper.close();
      lower = null;
      upper = null;
    }
  }

  /** Releases the iterator and the snapshot; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeRange();
    if (snapshot != null) {
      store.releaseScan(this, snapshot);
      snapshot = null;
    }
  }
}
