package io.uji.state;

import io.uji.serde.Serde;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;

/**
 * One partition of a {@link StateTable}: a contiguous key range in RocksDB behind a bounded
 * write-back cache on the heap.
 *
 * <h2>Threads</h2>
 * A partition is used by <b>one thread at a time</b> (no locks on the per-record path); the
 * engine hands each partition to one worker per batch. Different partitions may be used in
 * parallel.
 *
 * <h2>Cache</h2>
 * The cache maps keys to their deserialized state, so hot keys are never deserialized again.
 * {@link #put} and {@link #remove} only touch the cache (the entry becomes dirty); dirty entries
 * reach RocksDB in write batches on {@link #flush()}, when evicted, or through a checkpoint
 * ({@link StateStore#beginCheckpoint} takes them at a batch boundary; its snapshot writes them).
 * The bound ({@link StateStoreConfig#cacheEntriesPerTable()} / numPartitions) is enforced at
 * {@link #endBatch()}, in bulk: during a batch the cache also holds every key the batch
 * touched. Eviction drops the entries unused for the most batches first and, among those
 * equally old, clean ones before dirty ones, down to 7/8 of the bound.
 *
 * <p>When the cache is known to hold every key of the partition (a new table that never
 * evicted, or after a {@link #forEach} that could cache everything), misses are answered
 * without reading RocksDB and {@link #forEach} iterates the heap only.
 *
 * <p>Values handed out are the cached instances: callers must not mutate them, or must {@link
 * #put} them back after mutating.
 *
 * @param <K> the key type; its {@code equals}/{@code hashCode} must agree with its serialized
 *     form
 * @param <S> the state type
 */
public final class StatePartition<K, S> {
  private static final int MULTI_GET_CHUNK = 8192;
  private static final int INITIAL_CAPACITY = 1024;

  private final StateStore store;
  private final String table;
  private final int partition;
  private final Serde<K> keySerde;
  private final Serde<S> stateSerde;
  private final ColumnFamilyHandle cf;
  private final TimeIndex<K> timeIndex;
  private final int maxEntries;
  /** The cached entries (see {@link CacheTable} for the layout). */
  private final CacheTable<K, S> cache = new CacheTable<>(INITIAL_CAPACITY);

  /**
   * The slots the last {@link #getAll} found or filled, by position (-1: known absent, not
   * cached), so {@link #putAt}/{@link #removeAt} write without hashing the key again: on a cache
   * of a million keys each lookup is several cache misses, and a second one per key cost as much
   * as the first. Valid for {@link #lookedUp} positions while the cache's generation is {@link
   * #lookedGeneration}; after entries moved the positions fall back to a lookup by key.
   */
  private int[] looked = new int[0];
  private int lookedGeneration;
  private List<? extends K> lookedKeys = List.of();
  private int lookedUp;
  /** Counts {@link #endBatch()} calls: the clock of the recency policy. */
  private int batch;
  /** True while the cache holds every key of this partition that exists. */
  private boolean complete;

  StatePartition(StateStore store, String table, int partition, Serde<K> keySerde, Serde<S> stateSerde,
      ColumnFamilyHandle cf, TimeIndex<K> timeIndex, int maxEntries, boolean fresh) {
    this.store = store;
    this.table = table;
    this.partition = partition;
    this.keySerde = Objects.requireNonNull(keySerde, "keySerde");
    this.stateSerde = Objects.requireNonNull(stateSerde, "stateSerde");
    this.cf = cf;
    this.timeIndex = timeIndex;
    this.maxEntries = maxEntries;
    this.complete = fresh;
  }

  // ------------------------------------------------------------------ API

  /** @return this partition's number */
  public int id() {
    return partition;
  }

  /** @return the time index of this partition (same thread contract as the partition) */
  public TimeIndex<K> timeIndex() {
    return timeIndex;
  }

  /**
   * Looks up many keys at once: the cache first, then one {@code multiGet} per chunk of misses.
   * Keys read from RocksDB (present or absent) enter the cache. Meant to be called once per
   * batch with the batch's distinct keys of this partition.
   *
   * @param keys the keys (non-null; distinct for best speed)
   * @param out receives {@code keys.size()} values appended in the order of {@code keys}, null
   *     for an absent key; must support {@code set} (e.g. an {@link ArrayList})
   * @throws StateStoreException if reading RocksDB fails
   * @throws io.uji.serde.SerdeException if a key or state cannot be (de)serialized
   * @throws StateStoreClosedException if the store is closed
   */
  public void getAll(List<? extends K> keys, List<? super S> out) {
    store.checkOpen(table);
    final int base = out.size();
    final int n = keys.size();
    final int now = batch;
    final boolean known = complete;
    forgetLookups();
    final CacheTable<K, S> c = cache;
    // Room for every key to enter (a miss read, or a put of a new key): slots do not move.
    c.reserve(n);
    if (looked.length < n) {
      looked = new int[Math.max(n, looked.length + (looked.length >> 1))];
    }
    lookedGeneration = c.generation();
    final int[] found = looked;
    int[] missIndex = null;
    int misses = 0;
    for (int i = 0; i < n; i++) {
      K k = keys.get(i);
      int slot = c.find(k, CacheTable.hash(k));
      found[i] = slot < 0 ? -1 : slot;
      if (slot >= 0) {
        c.touch(slot, now);
        out.add(c.value(slot));
      } else {
        out.add(null);
        if (!known) {
          if (missIndex == null) {
            missIndex = new int[Math.min(n - i, 1024)];
          } else if (misses == missIndex.length) {
            missIndex = Arrays.copyOf(missIndex, Math.min(n, misses * 2));
          }
          missIndex[misses++] = i;
        }
      }
    }
    lookedKeys = keys;
    lookedUp = n;
    if (misses > 0) {
      readMisses(keys, missIndex, misses, out, base);
    }
  }

  /** Invalidates the positions of the last {@link #getAll}, dropping its references. */
  private void forgetLookups() {
    if (lookedUp > 0) {
      lookedUp = 0;
      lookedKeys = List.of();
    }
  }

  /**
   * Reads the misses from RocksDB in chunks of {@value #MULTI_GET_CHUNK}, in (nearly) key
   * order: multiGet on sorted keys walks each file's index and data blocks forward instead of
   * jumping around (on a loaded 2-core box, ~25-30% less CPU in getAll on uncached state).
   */
  private void readMisses(List<? extends K> keys, int[] missIndex, int misses, List<? super S> out, int base) {
    store.enter(table);
    try (ReadOptions ro = new ReadOptions().setVerifyChecksums(false)) {
      final byte[][] raw = new byte[misses][];
      for (int m = 0; m < misses; m++) {
        raw[m] = KeyLayout.stateKey(partition, keySerde.toBytes(keys.get(missIndex[m])));
      }
      final int[] order = SerializedEntries.approximateKeyOrder(raw);
      List<byte[]> chunk = new ArrayList<>(Math.min(misses, MULTI_GET_CHUNK));
      for (int from = 0; from < misses; from += MULTI_GET_CHUNK) {
        int to = Math.min(misses, from + MULTI_GET_CHUNK);
        chunk.clear();
        for (int m = from; m < to; m++) {
          chunk.add(raw[order[m]]);
        }
        List<byte[]> values = store.db().multiGetAsList(ro, Collections.nCopies(chunk.size(), cf), chunk);
        for (int m = from; m < to; m++) {
          byte[] v = values.get(m - from);
          int i = missIndex[order[m]];
          raw[order[m]] = null;
          K k = keys.get(i);
          S s = v == null ? null : stateSerde.fromBytes(v);
          int h = CacheTable.hash(k);
          int slot = cache.find(k, h);
          if (slot < 0) {
            cache.reserve(1); // room was reserved by getAll: no move
            slot = cache.insert(k, h, s, batch);
          } else {
            s = cache.value(slot); // a duplicate key in the list, already read
          }
          looked[i] = slot;
          out.set(base + i, s);
        }
      }
    } catch (RocksDBException e) {
      throw store.error("multiGet", table, e);
    } finally {
      store.exit();
    }
  }

  /**
   * @return the state of {@code key}, or null if absent
   * @throws StateStoreException if reading RocksDB fails
   * @throws StateStoreClosedException if the store is closed
   */
  public S get(K key) {
    store.checkOpen(table);
    int h = CacheTable.hash(key);
    int slot = cache.find(key, h);
    if (slot >= 0) {
      cache.touch(slot, batch);
      return cache.value(slot);
    }
    if (complete) {
      return null;
    }
    store.enter(table);
    try {
      byte[] v = store.db().get(cf, KeyLayout.stateKey(partition, keySerde.toBytes(key)));
      S s = v == null ? null : stateSerde.fromBytes(v);
      cache.reserve(1);
      cache.insert(key, h, s, batch);
      return s;
    } catch (RocksDBException ex) {
      throw store.error("get", table, ex);
    } finally {
      store.exit();
    }
  }

  /**
   * Sets the state of {@code key} in the cache (written to RocksDB on flush or eviction).
   *
   * @throws NullPointerException if {@code key} or {@code state} is null (use {@link #remove})
   * @throws StateStoreClosedException if the store is closed
   */
  public void put(K key, S state) {
    Objects.requireNonNull(state, "state");
    store.checkOpen(table);
    write(key, state);
  }

  /**
   * Removes the state of {@code key} (deleted from RocksDB on flush or eviction).
   *
   * @throws StateStoreClosedException if the store is closed
   */
  public void remove(K key) {
    store.checkOpen(table);
    write(key, null);
  }

  /**
   * As {@link #put}{@code (keys.get(i), state)} for the {@code keys} of the last {@link #getAll},
   * without looking the key up again. Valid until the next {@code getAll}, {@link #forEach},
   * {@link #flush} or {@link #endBatch}.
   *
   * @throws IllegalStateException if {@code i} is not a position of the last {@code getAll} or
   *     the positions are no longer valid
   * @throws NullPointerException if {@code state} is null (use {@link #removeAt})
   * @throws StateStoreClosedException if the store is closed
   */
  public void putAt(int i, S state) {
    Objects.requireNonNull(state, "state");
    store.checkOpen(table);
    writeAt(i, state);
  }

  /**
   * As {@link #remove}{@code (keys.get(i))}, with the validity rules of {@link #putAt}.
   *
   * @throws IllegalStateException if {@code i} is not a valid position
   * @throws StateStoreClosedException if the store is closed
   */
  public void removeAt(int i) {
    store.checkOpen(table);
    writeAt(i, null);
  }

  private void writeAt(int i, S state) {
    if (i < 0 || i >= lookedUp) {
      throw new IllegalStateException("Position " + i + " is not one of the last getAll on table '" + table
          + "' partition " + partition + " (" + lookedUp + " valid positions)");
    }
    int slot = looked[i];
    if (slot < 0 || cache.generation() != lookedGeneration) {
      write(lookedKeys.get(i), state); // known absent at getAll (not cached), or entries moved since
    } else {
      cache.write(slot, state, batch);
    }
  }

  private void write(K key, S state) {
    Objects.requireNonNull(key, "key");
    int h = CacheTable.hash(key);
    int slot = cache.find(key, h);
    if (slot < 0) {
      if (state == null && complete) {
        return; // known absent
      }
      cache.reserve(1);
      slot = cache.insert(key, h, null, batch);
    }
    cache.write(slot, state, batch);
  }

  /**
   * Calls {@code action} for every (key, state) of this partition, in no particular order, with
   * the cache's updates applied. The action may {@link #put} or {@link #remove} the key it is
   * given, but must not touch other keys of this partition nor call {@link #flush}, {@link
   * #endBatch} or {@link #forEach}.
   *
   * <p>When the cache holds the whole partition this iterates the heap; otherwise it flushes the
   * dirty entries and scans the partition's key range in RocksDB (without filling the block
   * cache), using cached states where present and caching the others while there is room.
   *
   * @throws StateStoreException if reading or flushing fails
   * @throws StateStoreClosedException if the store is closed
   */
  public void forEach(BiConsumer<? super K, ? super S> action) {
    store.checkOpen(table);
    forgetLookups();
    if (complete) {
      // The action only rewrites the slot of the key it is given: no entry moves.
      final CacheTable<K, S> c = cache;
      for (int i = 0, n = c.capacity(); i < n; i++) {
        K k = c.key(i);
        if (k != null) {
          S s = c.value(i);
          if (s != null) {
            action.accept(k, s);
          }
        }
      }
      return;
    }
    scan(action, false);
  }

  /**
   * Reads this partition's entries from RocksDB into the cache until the cache is full, so that
   * after a restore the first batches find their keys on the heap: one sequential scan costs a
   * fraction of the random lookups the batches would make (1 M keys: ~0.3 s against ~2.5 s).
   * If every entry fits, the cache becomes complete (misses then need no RocksDB read). Keys
   * are loaded in key order, so with a partition bigger than the cache the loaded ones are
   * arbitrary; the scan stops at the bound, so it costs at most one cache's worth.
   *
   * @return the number of entries now cached
   * @throws StateStoreException if reading fails
   * @throws StateStoreClosedException if the store is closed
   */
  public int preload() {
    store.checkOpen(table);
    forgetLookups();
    if (!complete) {
      scan(null, true);
    }
    return cache.size();
  }

  /**
   * Scans the partition's key range in RocksDB after flushing the dirty entries, caching what
   * fits; calls {@code action} (if not null) with each entry, the cached state where present.
   */
  private void scan(BiConsumer<? super K, ? super S> action, boolean stopWhenFull) {
    store.enterToWrite(table);
    try (Slice lower = new Slice(KeyLayout.partitionStart(partition));
        Slice upper = new Slice(KeyLayout.partitionEnd(partition));
        ReadOptions ro = new ReadOptions()
            .setIterateLowerBound(lower)
            .setIterateUpperBound(upper)
            .setFillCache(false)
            .setReadaheadSize(2L << 20)) {
      flushLocked();
      boolean cachedAll = true;
      int scanned = batch - 1; // scanned entries count as not used by this batch
      try (RocksIterator it = store.db().newIterator(cf, ro)) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          K k = keySerde.fromBytes(KeyLayout.userKey(it.key()));
          int h = CacheTable.hash(k);
          int slot = cache.find(k, h);
          S s;
          if (slot >= 0) {
            s = cache.value(slot);
          } else if (cache.size() < maxEntries) {
            s = stateSerde.fromBytes(it.value());
            cache.reserve(1);
            cache.insert(k, h, s, scanned);
          } else {
            cachedAll = false;
            if (stopWhenFull) {
              break;
            }
            s = stateSerde.fromBytes(it.value());
          }
          if (action != null) {
            action.accept(k, s);
          }
        }
        it.status();
      }
      if (cachedAll) {
        complete = true;
        cache.removeCleanAbsent(); // in a complete cache absence is implied
      }
    } catch (RocksDBException e) {
      throw store.error("iterate", table, e);
    } finally {
      store.exit();
    }
  }

  /**
   * Ends a batch: evicts if the cache is over its bound (writing evicted dirty entries in one
   * {@code WriteBatch}) and advances the recency clock. Call once per batch after the last
   * access of the batch.
   *
   * @throws StateStoreException if writing evicted entries fails
   * @throws StateStoreClosedException if the store is closed
   */
  public void endBatch() {
    store.checkOpen(table);
    forgetLookups();
    if (cache.size() > maxEntries) {
      // Dropping entries, even clean ones, must wait for a checkpoint's captured writes: a
      // captured entry is clean in the cache but maybe not yet in RocksDB.
      store.enterToWrite(table);
      try {
        evict(cache.size() - (maxEntries - maxEntries / 8));
      } finally {
        store.exit();
      }
    }
    batch++;
  }

  /** Evicts {@code count} entries ({@link Eviction}), writing the dirty ones first. */
  private void evict(int count) {
    int[] victims = Eviction.victims(cache, count, batch);
    int[] dirtyVictims = new int[Math.min(count, cache.dirtyCount())];
    int nd = 0;
    for (int v : victims) {
      if (cache.isDirty(v)) {
        dirtyVictims[nd++] = v;
      }
    }
    writeSlots(dirtyVictims, nd, "evict");
    cache.removeSlots(victims, victims.length);
    complete = false;
  }

  /**
   * Writes the dirty entries to RocksDB in one {@code WriteBatch} (no WAL), keeping them
   * cached. {@link StateStore#checkpoint} calls it for every partition.
   *
   * @throws StateStoreException if writing fails
   * @throws StateStoreClosedException if the store is closed
   */
  public void flush() {
    store.enterToWrite(table);
    try {
      flushLocked();
    } finally {
      store.exit();
    }
  }

  /** Writes the dirty entries; the caller waited for checkpoint writes and holds {@code enter}. */
  void flushLocked() {
    forgetLookups();
    if (cache.dirtyCount() == 0) {
      return;
    }
    serializeDirty().encode(b -> store.writeEncoded(b, "flush", table));
    markAllClean();
  }

  /**
   * Takes the dirty entries for a checkpoint: serializes their values and marks them clean without
   * writing them. {@link StateSnapshot#writeTo} writes them off the batch thread; until it has,
   * every later write or eviction of this partition waits ({@link
   * StateStore#awaitCheckpointWrites}), so RocksDB receives the writes in order and a captured
   * entry is never dropped from the cache before it is in RocksDB. The values are serialized
   * here, at the batch boundary, because a later batch may change a state object in place. The
   * caller holds {@code enter}.
   */
  SerializedEntries<K, S> captureDirtyLocked() {
    forgetLookups();
    SerializedEntries<K, S> entries = serializeDirty();
    markAllClean();
    return entries;
  }

  private SerializedEntries<K, S> serializeDirty() {
    final CacheTable<K, S> c = cache;
    final int dirty = c.dirtyCount();
    SerializedEntries<K, S> entries = new SerializedEntries<>(cf.getID(), partition, keySerde, stateSerde, dirty);
    for (int i = 0, n = 0; i < c.capacity() && n < dirty; i++) {
      if (c.isDirty(i)) {
        entries.add(c.key(i), c.value(i));
        n++;
      }
    }
    return entries;
  }

  private void markAllClean() {
    if (cache.markAllClean() && complete) {
      // In a complete cache absence is implied: drop the entries of the removals just written.
      cache.removeCleanAbsent();
    }
  }

  /** Writes the entries of {@code slots[0..n)} and marks them clean (eviction). */
  private void writeSlots(int[] slots, int n, String operation) {
    if (n == 0) {
      return;
    }
    SerializedEntries<K, S> entries = new SerializedEntries<>(cf.getID(), partition, keySerde, stateSerde, n);
    for (int k = 0; k < n; k++) {
      entries.add(cache.key(slots[k]), cache.value(slots[k]));
    }
    entries.encode(b -> store.writeEncoded(b, operation, table));
    for (int k = 0; k < n; k++) {
      cache.markClean(slots[k]);
    }
  }

  /** @return the number of cached entries (including known absences and pending removals) */
  public int cachedEntries() {
    return cache.size();
  }

  /** @return the number of entries waiting to be written */
  public int dirtyEntries() {
    return cache.dirtyCount();
  }
}
