package io.uji.state;

import io.uji.serde.Serde;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.rocksdb.ColumnFamilyHandle;

/**
 * The keyed state of one stateful operator: a column family of the {@link StateStore}, cut into
 * a fixed number of partitions. The caller (the engine) decides which partition a key belongs
 * to and always uses the same partition for the same key.
 *
 * <p>Created by {@link StateStore#table}; closed with its store.
 *
 * @param <K> the key type
 * @param <S> the state type
 */
public final class StateTable<K, S> {
  private final StateStore store;
  private final String id;
  private final StatePartition<K, S>[] partitions;
  private final Serde<K> keySerde;
  private final Serde<S> stateSerde;
  private final ColumnFamilyHandle stateCf;
  private final ColumnFamilyHandle timeoutsCf;

  @SuppressWarnings("unchecked")
  StateTable(StateStore store, String id, Serde<K> keySerde, Serde<S> stateSerde, int numPartitions,
      ColumnFamilyHandle stateCf, ColumnFamilyHandle timeoutsCf, int cacheEntriesPerPartition,
      boolean fresh) {
    this.store = store;
    this.id = id;
    this.partitions = new StatePartition[numPartitions];
    this.keySerde = keySerde;
    this.stateSerde = stateSerde;
    this.stateCf = stateCf;
    this.timeoutsCf = timeoutsCf;
    for (int p = 0; p < numPartitions; p++) {
      partitions[p] = new StatePartition<>(store, id, p, keySerde, stateSerde, stateCf,
          new TimeIndex<>(store, id, p, keySerde, timeoutsCf), cacheEntriesPerPartition, fresh);
    }
  }

  /** @return the table's stable id, also the name of its column family */
  public String id() {
    return id;
  }

  public int numPartitions() {
    return partitions.length;
  }

  /**
   * @return partition {@code p}, to be used by one thread at a time
   * @throws IndexOutOfBoundsException if {@code p} is not in [0, numPartitions)
   * @throws StateStoreClosedException if the store is closed
   */
  public StatePartition<K, S> partition(int p) {
    store.checkOpen(id);
    return partitions[p];
  }

  /**
   * Flushes every partition (see {@link StatePartition#flush()}). No partition may be in use.
   *
   * @throws StateStoreException if writing fails
   * @throws StateStoreClosedException if the store is closed
   */
  public void flush() {
    store.enterToWrite(id);
    try {
      flushLocked();
    } finally {
      store.exit();
    }
  }

  /**
   * Preloads every partition's cache ({@link StatePartition#preload}) in parallel on {@code
   * executor}; the calling thread waits. No partition may be in use.
   *
   * @return the number of entries now cached, over all partitions
   * @throws StateStoreException if reading fails
   * @throws StateStoreClosedException if the store is closed
   */
  public long preload(Executor executor) {
    store.checkOpen(id);
    List<CompletableFuture<Integer>> loads = new ArrayList<>();
    for (StatePartition<K, S> p : partitions) {
      loads.add(CompletableFuture.supplyAsync(p::preload, executor));
    }
    long total = 0;
    for (CompletableFuture<Integer> l : loads) {
      try {
        total += l.join();
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
    }
    return total;
  }

  // ------------------------------------------------------------------ read-only access
  // The caller guarantees that no thread uses a partition meanwhile (the engine's per-operator
  // lock); several threads may read at once.

  /**
   * Opens a scan of every (key, state) as of now ({@link TableScan}); the caller must close it.
   *
   * @throws StateStoreClosedException if the store is closed
   */
  public TableScan<K, S> openScan() {
    List<CachedCopy<K, S>> copies = new ArrayList<>(partitions.length);
    List<Integer> uncached = new ArrayList<>();
    List<CachedCopy<K, S>> uncachedCopies = new ArrayList<>();
    for (StatePartition<K, S> p : partitions) {
      CachedCopy<K, S> c = p.copyCache();
      copies.add(c);
      if (!p.isComplete()) {
        uncached.add(p.id());
        uncachedCopies.add(c);
      }
    }
    return store.openScan(id, stateCf, keySerde, stateSerde, copies, uncached, uncachedCopies);
  }

  /**
   * @return the number of keys: exact when every partition's cache holds all of it, else
   *     RocksDB's estimate for the column family or the cached count, whichever is larger
   * @throws StateStoreClosedException if the store is closed
   */
  public long approximateKeyCount() {
    long cached = 0;
    boolean complete = true;
    for (StatePartition<K, S> p : partitions) {
      cached += p.liveCachedEntries();
      complete &= p.isComplete();
    }
    return complete ? cached : Math.max(cached, store.longProperty(id, stateCf, "rocksdb.estimate-num-keys"));
  }

  /** @return keys looked up by batches since open, over all partitions */
  public long cacheLookups() {
    long n = 0;
    for (StatePartition<K, S> p : partitions) {
      n += p.lookups();
    }
    return n;
  }

  /** @return keys batches did not find in the cache since open, over all partitions */
  public long cacheMisses() {
    long n = 0;
    for (StatePartition<K, S> p : partitions) {
      n += p.misses();
    }
    return n;
  }

  /**
   * @return the bytes of this table's SST files (state and time index)
   * @throws StateStoreClosedException if the store is closed
   */
  public long sstBytes() {
    return store.longProperty(id, stateCf, "rocksdb.total-sst-files-size")
        + store.longProperty(id, timeoutsCf, "rocksdb.total-sst-files-size");
  }

  /**
   * @return this table's memtables and table readers in native memory (the block cache is shared
   *     by all tables: {@link StateStore#nativeMemoryUsage()})
   * @throws StateStoreClosedException if the store is closed
   */
  public long nativeMemoryBytes() {
    long n = 0;
    for (ColumnFamilyHandle cf : List.of(stateCf, timeoutsCf)) {
      n += store.longProperty(id, cf, "rocksdb.cur-size-all-mem-tables")
          + store.longProperty(id, cf, "rocksdb.estimate-table-readers-mem");
    }
    return n;
  }

  StatePartition<K, S> partitionUnchecked(int p) {
    return partitions[p];
  }

  void flushLocked() {
    for (StatePartition<K, S> p : partitions) {
      p.flushLocked();
    }
  }
}
