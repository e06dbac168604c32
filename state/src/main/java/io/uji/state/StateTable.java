package io.uji.state;

import io.uji.serde.Serde;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.OptionalInt;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;

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
    return sum(loads);
  }

  /**
   * Hands a restored checkpoint's dirty entries of this table to its partitions ({@link
   * StatePartition#loadRestored}), each its own by the partition its key begins with, the
   * partitions filled in parallel on {@code executor}; the calling thread waits. Called by {@link
   * StateStore#table} as the table opens.
   *
   * @return the number of entries cached (the others were written into RocksDB)
   * @throws StateStoreException if an entry's key names no partition of this table, or writing fails
   */
  long loadRestored(SerializedEntries entries, Executor executor) {
    int[][] indexes = byPartition(entries);
    List<CompletableFuture<Integer>> loads = new ArrayList<>();
    for (int p = 0; p < partitions.length; p++) {
      if (indexes[p].length > 0) {
        StatePartition<K, S> partition = partitions[p];
        int[] of = indexes[p];
        // Each partition fills its own cache: nothing is shared but the entries, only read.
        loads.add(CompletableFuture.supplyAsync(() -> partition.loadRestored(entries, of), executor));
      }
    }
    return sum(loads);
  }

  /**
   * @return for each partition, the indexes of the entries whose key begins with its number
   * @throws StateStoreException if an entry's key names no partition of this table
   */
  private int[][] byPartition(SerializedEntries entries) {
    int[] counts = new int[partitions.length];
    int[] of = new int[entries.size()];
    byte[] b = entries.buffer();
    for (int i = 0; i < of.length; i++) {
      int at = entries.keyStart(i);
      int p = entries.keyLength(i) < KeyLayout.PARTITION_BYTES ? -1 : ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
      if (p < 0 || p >= partitions.length) {
        throw new StateStoreException("Error restoring table '" + id + "': an entry of the checkpoint's "
            + DirtyEntriesFile.NAME + " belongs to no partition of its " + partitions.length);
      }
      of[i] = p;
      counts[p]++;
    }
    int[][] indexes = new int[partitions.length][];
    for (int p = 0; p < partitions.length; p++) {
      indexes[p] = new int[counts[p]];
      counts[p] = 0;
    }
    for (int i = 0; i < of.length; i++) {
      indexes[of[i]][counts[of[i]]++] = i;
    }
    return indexes;
  }

  /** Waits for every one of {@code loads}; @return the sum of what they cached */
  private static long sum(List<CompletableFuture<Integer>> loads) {
    long total = 0;
    RuntimeException failure = null;
    for (CompletableFuture<Integer> l : loads) {
      try {
        total += l.join();
      } catch (CompletionException e) {
        // Every load is waited for, so none still runs on a partition when the caller sees the error.
        RuntimeException r = e.getCause() instanceof RuntimeException c ? c : e;
        if (failure == null) {
          failure = r;
        } else if (failure != r) {
          failure.addSuppressed(r);
        }
      }
    }
    if (failure != null) {
      throw failure;
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
    return openScan(p -> true);
  }

  /**
   * As {@link #openScan()} over the partitions {@code include} accepts only (in a group: the key
   * groups running here, so that dormant copies and groups being restored are not listed); the
   * other partitions are neither copied nor read.
   *
   * @throws StateStoreClosedException if the store is closed
   */
  public TableScan<K, S> openScan(java.util.function.IntPredicate include) {
    List<CachedCopy<K, S>> copies = new ArrayList<>(partitions.length);
    List<Integer> uncached = new ArrayList<>();
    List<CachedCopy<K, S>> uncachedCopies = new ArrayList<>();
    for (StatePartition<K, S> p : partitions) {
      if (!include.test(p.id())) {
        continue;
      }
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

  // ------------------------------------------------------------------ key groups that move
  // In a group (scale-out) a partition is a key group: an input partition of Kafka whose state
  // moves between instances through a changelog. These calls capture a batch's changes for the
  // changelog and write them back on the instance that takes the group over.

  /**
   * Turns change capture on for every partition ({@link StatePartition#drainChanges}). Call once,
   * before the first batch; it stays on.
   *
   * @throws StateStoreClosedException if the store is closed
   */
  public void captureChanges() {
    store.checkOpen(id);
    for (StatePartition<K, S> p : partitions) {
      p.captureChanges();
    }
  }

  /**
   * As {@link StatePartition#drainChanges} for partition {@code group}.
   *
   * @return the number of changes handed to {@code sink}
   * @throws StateStoreClosedException if the store is closed
   */
  public int drainChanges(int group, ChangeSink sink) {
    return partition(group).drainChanges(sink);
  }

  /**
   * Writes changes read from a changelog into partition {@code group} as they are: one RocksDB
   * write batch per 32 k entries, no WAL, nothing deserialized. The partition's cache is dropped
   * (it fills again on demand). Only for a group that is not being computed.
   *
   * @throws IllegalStateException if the partition has dirty cache entries or changes not drained
   * @throws IllegalArgumentException if a key does not belong to {@code group}
   * @throws StateStoreException if writing fails
   * @throws StateStoreClosedException if the store is closed
   */
  public void applyRaw(int group, RawChunk chunk) {
    partition(group).applyRaw(chunk);
  }

  /**
   * Deletes everything of partition {@code group}: its state and time index ranges in RocksDB
   * ({@code deleteRange}), its cache (dirty entries discarded) and its changes not drained.
   *
   * @throws StateStoreException if deleting fails
   * @throws StateStoreClosedException if the store is closed
   */
  public void wipeGroup(int group) {
    StatePartition<K, S> p = partition(group);
    store.enterToWrite(id);
    try {
      wipeLocked(p);
    } finally {
      store.exit();
    }
  }

  private void wipeLocked(StatePartition<K, S> p) {
    byte[] start = KeyLayout.partitionStart(p.id());
    byte[] end = KeyLayout.partitionEnd(p.id());
    try {
      store.db().deleteRange(stateCf, store.writeOptions(), start, end);
      store.db().deleteRange(timeoutsCf, store.writeOptions(), start, end);
    } catch (RocksDBException e) {
      throw store.error("wipe partition " + p.id(), id, e);
    }
    p.dropCacheLocked(true);
  }

  /**
   * Replaces partition {@code group} by its copy in {@code source} (a checkpoint opened with
   * {@link StateStore#openReadOnly}): wipes it ({@link #wipeGroup}), then copies the group's
   * state and time index ranges of the table with this table's id. If the checkpoint has no such
   * table the group is left empty.
   *
   * @return the number of entries copied (state and time index)
   * @throws StateStoreException if the checkpoint's table has another number of partitions, or
   *     reading or writing fails
   * @throws StateStoreClosedException if either store is closed
   */
  public long copyGroupFrom(ReadOnlyStateStore source, int group) {
    StatePartition<K, S> p = partition(group);
    OptionalInt recorded = source.recordedPartitions(id);
    if (recorded.isPresent() && recorded.getAsInt() != partitions.length) {
      throw new StateStoreException("Cannot copy partition " + group + " of table '" + id + "' from checkpoint "
          + source.dir() + ": it has " + recorded.getAsInt() + " partitions there, " + partitions.length + " here");
    }
    store.enterToWrite(id);
    try {
      wipeLocked(p);
      if (recorded.isEmpty()) {
        return 0;
      }
      long copied = copyRange(source, id, stateCf, group)
          + copyRange(source, id + StateStore.TIMEOUTS_SUFFIX, timeoutsCf, group);
      p.dropCacheLocked(copied == 0);
      return copied;
    } finally {
      store.exit();
    }
  }

  private long copyRange(ReadOnlyStateStore source, String cfName, ColumnFamilyHandle target, int group) {
    ColumnFamilyHandle from = source.columnFamily(cfName);
    if (from == null) {
      return 0;
    }
    long copied = 0;
    try (Slice lower = new Slice(KeyLayout.partitionStart(group));
        Slice upper = new Slice(KeyLayout.partitionEnd(group));
        ReadOptions ro = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper).setFillCache(false);
        RocksIterator it = source.db().newIterator(from, ro)) {
      WriteBatchEncoder enc = new WriteBatchEncoder(target.getID());
      for (it.seekToFirst(); it.isValid(); it.next()) {
        byte[] k = it.key();
        byte[] v = it.value();
        enc.put(k, 0, k.length, v, 0, v.length);
        copied++;
        if (enc.count() == SerializedEntries.WRITE_CHUNK) {
          store.writeEncoded(new EncodedBatch(enc.finish(), SerializedEntries.WRITE_CHUNK), "copy partition", id);
        }
      }
      it.status();
      int rest = enc.count();
      if (rest > 0) {
        store.writeEncoded(new EncodedBatch(enc.finish(), rest), "copy partition", id);
      }
      return copied + copyDirtyEntries(source, cfName, target, group);
    } catch (RocksDBException e) {
      throw store.error("copy partition " + group + " from " + source.dir(), id, e);
    }
  }

  /** Applies the group's entries of the checkpoint's {@link DirtyEntriesFile} over those just copied. */
  private long copyDirtyEntries(ReadOnlyStateStore source, String cfName, ColumnFamilyHandle target, int group) {
    SerializedEntries dirty = source.dirtyEntries(cfName);
    if (dirty == null) {
      return 0;
    }
    byte[] lower = KeyLayout.partitionStart(group);
    byte[] upper = KeyLayout.partitionEnd(group);
    byte[] b = dirty.buffer();
    WriteBatchEncoder enc = new WriteBatchEncoder(target.getID());
    long copied = 0;
    for (int i = 0; i < dirty.size(); i++) {
      int at = dirty.keyStart(i);
      int end = at + dirty.keyLength(i);
      if (Arrays.compareUnsigned(b, at, end, lower, 0, lower.length) < 0
          || Arrays.compareUnsigned(b, at, end, upper, 0, upper.length) >= 0) {
        continue;
      }
      if (dirty.valueLength(i) < 0) {
        enc.delete(b, at, dirty.keyLength(i));
      } else {
        enc.put(b, at, dirty.keyLength(i), b, end, dirty.valueLength(i));
      }
      copied++;
      if (enc.count() == SerializedEntries.WRITE_CHUNK) {
        store.writeEncoded(new EncodedBatch(enc.finish(), SerializedEntries.WRITE_CHUNK), "copy partition", id);
      }
    }
    int rest = enc.count();
    if (rest > 0) {
      store.writeEncoded(new EncodedBatch(enc.finish(), rest), "copy partition", id);
    }
    return copied;
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
