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

  @SuppressWarnings("unchecked")
  StateTable(StateStore store, String id, Serde<K> keySerde, Serde<S> stateSerde, int numPartitions,
      ColumnFamilyHandle stateCf, ColumnFamilyHandle timeoutsCf, int cacheEntriesPerPartition,
      boolean fresh) {
    this.store = store;
    this.id = id;
    this.partitions = new StatePartition[numPartitions];
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

  StatePartition<K, S> partitionUnchecked(int p) {
    return partitions[p];
  }

  void flushLocked() {
    for (StatePartition<K, S> p : partitions) {
      p.flushLocked();
    }
  }
}
