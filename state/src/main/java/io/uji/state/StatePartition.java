package io.uji.state;

import io.uji.serde.ByteSink;
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
 * parallel. {@link #peek} changes nothing and may be called from another thread while the
 * partition's user is not running (the caller provides that exclusion).
 *
 * <h2>Cache</h2>
 * The cache keeps keys and states <b>serialized</b>, in a few large arrays per partition ({@link
 * CacheTable}): no object per entry, so a cache of millions of keys costs the garbage collector
 * nothing to mark, and an eviction, flush or checkpoint copies bytes that are already in
 * RocksDB's format. Each read deserializes the state (a fresh instance the caller owns) and each
 * write serializes it. {@link #put} and {@link #remove} only touch the cache (the entry becomes
 * dirty unless the bytes did not change); dirty entries reach RocksDB in write batches on {@link
 * #flush()}, when evicted, or through a checkpoint ({@link StateStore#beginCheckpoint} takes them
 * at a batch boundary; its snapshot writes them). The bound ({@link
 * StateStoreConfig#cacheEntriesPerTable()} / numPartitions) is enforced at {@link #endBatch()}, in
 * bulk: during a batch the cache also holds every key the batch touched. Eviction drops the
 * entries unused for the most batches first and, among those equally old, clean ones before
 * dirty ones, down to 7/8 of the bound.
 *
 * <p>When the cache is known to hold every key of the partition (a new table that never
 * evicted, or after a {@link #forEach} that could cache everything), misses are answered
 * without reading RocksDB and {@link #forEach} iterates the heap only.
 *
 * <p>Values handed out are fresh instances: a change to one is stored only when it is {@link
 * #put} back.
 *
 * @param <K> the key type; its serialized form must be deterministic (equal keys, equal bytes)
 * @param <S> the state type
 */
public final class StatePartition<K, S> {
  /** See {@link #keepsDirtyAtCheckpoint}. */
  static final int DIRTY_PER_FRESH_ENTRY = 4;
  /** See {@link #keepsDirtyAtCheckpoint}. */
  static final int MIN_DIRTY_TO_KEEP = 1024;

  private static final int MULTI_GET_CHUNK = 8192;
  private static final int INITIAL_CAPACITY = 16;

  private final StateStore store;
  private final String table;
  private final int partition;
  private final Serde<K> keySerde;
  private final Serde<S> stateSerde;
  private final ColumnFamilyHandle cf;
  private final TimeIndex<K> timeIndex;
  private final int maxEntries;
  /** The cached entries, serialized (see {@link CacheTable} for the layout). */
  private final CacheTable cache = new CacheTable(INITIAL_CAPACITY);

  /**
   * The RocksDB keys of the last {@link #getAll}'s keys, serialized one after the other: key i is
   * {@code probe[probeStarts[i], + probeLengths[i])}, its hash {@code probeHashes[i]}. Kept until
   * the next getAll so that {@link #putAt} can insert or find a key without serializing it again.
   */
  private final ByteSink probe = new ByteSink(64);
  private int[] probeStarts = new int[0];
  private int[] probeLengths = new int[0];
  private int[] probeHashes = new int[0];
  /** One key serialized for {@link #get}/{@link #put}/{@link #remove} (leaves {@link #probe} alone). */
  private final ByteSink single = new ByteSink(64);
  /** A state serialized for a write. */
  private final ByteSink value = new ByteSink(64);

  /**
   * The slots the last {@link #getAll} found or filled, by position (-1: known absent, not
   * cached), so {@link #putAt}/{@link #removeAt} write without looking the key up again. Valid
   * for {@link #lookedUp} positions while the cache's generation is {@link #lookedGeneration};
   * after entries moved the positions fall back to a lookup by the probe's bytes.
   */
  private int[] looked = new int[0];
  private int lookedGeneration;
  private int lookedUp;
  /** During {@link #forEach}: the key handed to the action and its slot, so its put needs no lookup. */
  private K iterKey;
  private int iterSlot;
  /** Counts {@link #endBatch()} calls: the clock of the recency policy. */
  private int batch;
  /** True while the cache holds every key of this partition that exists. */
  private boolean complete;
  /**
   * Changes taken out of the cache before a drain ({@link #drainChanges}): entries marked changed
   * that an eviction or the dropping of known absences removed. Their bytes, in the order taken;
   * a null value is a removal. Rare (the cache's bound is enforced at the end of a batch), so plain
   * lists.
   */
  private final List<byte[]> spilledKeys = new ArrayList<>();
  private final List<byte[]> spilledValues = new ArrayList<>();
  /** Keys looked up by {@link #getAll} since open, and how many of them missed the cache. */
  private volatile long lookups;
  private volatile long misses;

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
   * Looks up many keys at once: the cache first, then one {@code multiGet} per chunk of misses
   * (sorted by key). Keys read from RocksDB (present or absent) enter the cache. Meant to be
   * called once per batch with the batch's distinct keys of this partition.
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
    lookedUp = 0;
    serializeProbes(keys, n);
    final CacheTable c = cache;
    if (looked.length < n) {
      looked = new int[Math.max(n, looked.length + (looked.length >> 1))];
    }
    final int[] found = looked;
    final byte[] kb = probe.buffer();
    int[] missIndex = null;
    int misses = 0;
    int notFound = 0;
    for (int i = 0; i < n; i++) {
      int slot = c.find(kb, probeStarts[i], probeLengths[i], probeHashes[i]);
      if (slot >= 0) {
        found[i] = slot;
        c.touch(slot, now);
        out.add(read(slot));
      } else {
        found[i] = -1;
        notFound++;
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
    // Room for every key not found to enter (a miss read, or a put of a new key): from here on
    // slots do not move. Only those: room for all n (the keys found too) doubles the index of a
    // full cache as soon as bound + n passes 3/4 of its slots, though the entries would fit
    // (the index never shrinks: 13 B a slot for the rest of the run).
    int generation = c.generation();
    c.reserve(notFound);
    if (c.generation() != generation) {
      for (int i = 0; i < n; i++) {
        if (found[i] >= 0) {
          found[i] = c.find(kb, probeStarts[i], probeLengths[i], probeHashes[i]); // the index grew: moved
        }
      }
    }
    lookedGeneration = c.generation();
    lookedUp = n;
    // Once per call, not per key; volatile so that the metrics thread reads whole values.
    this.lookups = this.lookups + n;
    this.misses = this.misses + misses;
    if (misses > 0) {
      readMisses(missIndex, misses, out, base);
    }
  }

  /** Serializes {@code keys} as RocksDB keys into {@link #probe} and hashes them. */
  private void serializeProbes(List<? extends K> keys, int n) {
    if (probeStarts.length < n) {
      int cap = Math.max(n, probeStarts.length + (probeStarts.length >> 1));
      probeStarts = new int[cap];
      probeLengths = new int[cap];
      probeHashes = new int[cap];
    }
    final ByteSink b = probe;
    b.clear();
    for (int i = 0; i < n; i++) {
      int start = b.position();
      writeKey(keys.get(i), b);
      probeStarts[i] = start;
      probeLengths[i] = b.position() - start;
    }
    final byte[] kb = b.buffer();
    for (int i = 0; i < n; i++) {
      probeHashes[i] = CacheTable.hash(kb, probeStarts[i], probeLengths[i]);
    }
  }

  private void writeKey(K key, ByteSink sink) {
    Objects.requireNonNull(key, "key");
    sink.writeByte(partition >>> 8);
    sink.writeByte(partition);
    keySerde.write(key, sink);
  }

  /** @return the state in {@code slot}, deserialized, or null if absent */
  private S read(int slot) {
    int length = cache.valueLength(slot);
    return length == CacheTable.ABSENT ? null : stateSerde.fromBytes(cache.page(slot), cache.valueOffset(slot), length);
  }

  /**
   * Reads the misses from RocksDB in chunks of {@value #MULTI_GET_CHUNK}, in (nearly) key
   * order: multiGet on sorted keys walks each file's index and data blocks forward instead of
   * jumping around (on a loaded 2-core box, ~25-30% less CPU in getAll on uncached state). The
   * values enter the cache as the bytes RocksDB returned.
   */
  private void readMisses(int[] missIndex, int misses, List<? super S> out, int base) {
    store.enter(table);
    try (ReadOptions ro = new ReadOptions().setVerifyChecksums(false)) {
      final byte[] kb = probe.buffer();
      final int[] starts = new int[misses];
      final int[] lengths = new int[misses];
      for (int m = 0; m < misses; m++) {
        starts[m] = probeStarts[missIndex[m]];
        lengths[m] = probeLengths[missIndex[m]];
      }
      final int[] order = SerializedEntries.approximateKeyOrder(kb, starts, lengths, misses);
      List<byte[]> chunk = new ArrayList<>(Math.min(misses, MULTI_GET_CHUNK));
      for (int from = 0; from < misses; from += MULTI_GET_CHUNK) {
        int to = Math.min(misses, from + MULTI_GET_CHUNK);
        chunk.clear();
        for (int m = from; m < to; m++) {
          int i = missIndex[order[m]];
          chunk.add(Arrays.copyOfRange(kb, probeStarts[i], probeStarts[i] + probeLengths[i]));
        }
        List<byte[]> values = store.db().multiGetAsList(ro, Collections.nCopies(chunk.size(), cf), chunk);
        for (int m = from; m < to; m++) {
          byte[] v = values.get(m - from);
          int i = missIndex[order[m]];
          int start = probeStarts[i];
          int length = probeLengths[i];
          int h = probeHashes[i];
          int slot = cache.find(kb, start, length, h);
          if (slot < 0) {
            // room was reserved by getAll: no move
            slot = cache.insert(kb, start, length, h, v, 0, v == null ? CacheTable.ABSENT : v.length, batch);
            out.set(base + i, v == null ? null : stateSerde.fromBytes(v));
          } else {
            out.set(base + i, read(slot)); // a duplicate key in the list, already read
          }
          looked[i] = slot;
        }
      }
    } catch (RocksDBException e) {
      throw store.error("multiGet", table, e);
    } finally {
      store.exit();
    }
  }

  /**
   * @return the state of {@code key}, or null if absent (read from RocksDB on a miss, and cached)
   * @throws StateStoreException if reading RocksDB fails
   * @throws StateStoreClosedException if the store is closed
   */
  public S get(K key) {
    store.checkOpen(table);
    ByteSink k = single;
    k.clear();
    writeKey(key, k);
    byte[] kb = k.buffer();
    int length = k.position();
    int h = CacheTable.hash(kb, 0, length);
    int slot = cache.find(kb, 0, length, h);
    if (slot >= 0) {
      cache.touch(slot, batch);
      return read(slot);
    }
    if (complete) {
      return null;
    }
    store.enter(table);
    try {
      byte[] v = store.db().get(cf, Arrays.copyOf(kb, length));
      cache.reserve(1);
      cache.insert(kb, 0, length, h, v, 0, v == null ? CacheTable.ABSENT : v.length, batch);
      return v == null ? null : stateSerde.fromBytes(v);
    } catch (RocksDBException ex) {
      throw store.error("get", table, ex);
    } finally {
      store.exit();
    }
  }

  /**
   * Looks {@code key} up without changing anything: neither the cache's contents nor its
   * recency, and without {@link #getAll}'s positions. For readers outside the batch (queryable
   * state); the caller makes sure the partition's user does not run meanwhile.
   *
   * @return the state of {@code key} (a fresh instance), or null if absent
   * @throws StateStoreException if reading RocksDB fails
   * @throws StateStoreClosedException if the store is closed
   */
  public S peek(K key) {
    store.checkOpen(table);
    ByteSink k = new ByteSink(32);
    writeKey(key, k);
    byte[] kb = Arrays.copyOf(k.buffer(), k.position());
    int slot = cache.find(kb, 0, kb.length, CacheTable.hash(kb, 0, kb.length));
    if (slot >= 0) {
      return read(slot);
    }
    if (complete) {
      return null;
    }
    store.enter(table);
    try {
      byte[] v = store.db().get(cf, kb);
      return v == null ? null : stateSerde.fromBytes(v);
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

  /**
   * Files the keys at {@code positions[0..n)} of the last {@link #getAll} under {@code time} in
   * this partition's {@link #timeIndex()}, as {@code timeIndex().add(time, keys)} would, from the
   * bytes getAll already serialized (a batch of new users files each of them: serializing them
   * again was a tenth of the batch's Java time). Same validity rules as {@link #putAt}.
   *
   * @throws IllegalStateException if a position is not valid
   * @throws StateStoreException if writing fails
   * @throws StateStoreClosedException if the store is closed
   */
  public void fileAt(long time, int[] positions, int n) {
    fileAt(new long[] {time}, positions, new int[] {0, n});
  }

  /**
   * As {@link #fileAt(long, int[], int)} once per time, in order, in one call (one iterator, the
   * small chunks of all times in one write): the keys at
   * positions {@code positions[bounds[b], bounds[b + 1])} of the last {@link #getAll} under
   * {@code times[b]}, for b in [0, times.length).
   *
   * @param bounds {@code times.length + 1} ascending indexes into {@code positions}
   * @throws IllegalStateException if a position is not valid
   * @throws StateStoreException if writing fails
   * @throws StateStoreClosedException if the store is closed
   */
  public void fileAt(long[] times, int[] positions, int[] bounds) {
    for (int k = bounds[0]; k < bounds[times.length]; k++) {
      if (positions[k] < 0 || positions[k] >= lookedUp) {
        throw new IllegalStateException("Position " + positions[k] + " is not one of the last getAll on table '"
            + table + "' partition " + partition + " (" + lookedUp + " valid positions)");
      }
    }
    timeIndex.addSerialized(times, bounds, probe.buffer(), probeStarts, probeLengths, positions);
  }

  private void writeAt(int i, S state) {
    if (i < 0 || i >= lookedUp) {
      throw new IllegalStateException("Position " + i + " is not one of the last getAll on table '" + table
          + "' partition " + partition + " (" + lookedUp + " valid positions)");
    }
    int slot = looked[i];
    if (slot < 0 || cache.generation() != lookedGeneration) {
      // known absent at getAll (not cached), or entries moved since: find it by its bytes
      slot = writeBytes(probe.buffer(), probeStarts[i], probeLengths[i], probeHashes[i], state);
      if (cache.generation() == lookedGeneration) {
        looked[i] = slot; // inserted within getAll's reservation: the other positions hold too
      }
    } else {
      writeValue(slot, state);
    }
  }

  private void write(K key, S state) {
    Objects.requireNonNull(key, "key");
    if (key == iterKey && iterKey != null) {
      writeValue(iterSlot, state); // the key forEach is visiting: no entry moved since
      return;
    }
    ByteSink k = single;
    k.clear();
    writeKey(key, k);
    writeBytes(k.buffer(), 0, k.position(), CacheTable.hash(k.buffer(), 0, k.position()), state);
  }

  /** Writes the state of the serialized key; @return its slot, or -1 if nothing was cached. */
  private int writeBytes(byte[] kb, int start, int length, int h, S state) {
    int slot = cache.find(kb, start, length, h);
    if (slot >= 0) {
      writeValue(slot, state);
      return slot;
    }
    if (state == null && complete) {
      return -1; // known absent
    }
    // A new entry, dirty: a value, or a removal RocksDB's copy may not have seen yet.
    cache.reserve(1);
    if (state == null) {
      slot = cache.insert(kb, start, length, h, null, 0, CacheTable.ABSENT, batch);
    } else {
      ByteSink v = serialize(state);
      slot = cache.insert(kb, start, length, h, v.buffer(), 0, v.position(), batch);
    }
    cache.markDirty(slot, batch);
    return slot;
  }

  private ByteSink serialize(S state) {
    ByteSink v = value;
    v.clear();
    stateSerde.write(state, v);
    return v;
  }

  private void writeValue(int slot, S state) {
    if (state == null) {
      cache.write(slot, null, 0, CacheTable.ABSENT, batch);
      return;
    }
    ByteSink v = serialize(state);
    cache.write(slot, v.buffer(), 0, v.position(), batch);
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
    lookedUp = 0;
    if (complete) {
      // The action only rewrites the slot of the key it is given: no entry moves.
      final CacheTable c = cache;
      try {
        for (int i = 0, n = c.capacity(); i < n; i++) {
          if (c.isOccupied(i) && c.valueLength(i) != CacheTable.ABSENT) {
            K k = keySerde.fromBytes(c.page(i), c.keyOffset(i) + KeyLayout.PARTITION_BYTES,
                c.keyLength(i) - KeyLayout.PARTITION_BYTES);
            S s = read(i);
            iterKey = k;
            iterSlot = i;
            action.accept(k, s);
          }
        }
      } finally {
        iterKey = null;
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
    lookedUp = 0;
    if (!complete) {
      scan(null, true);
    }
    return cache.size();
  }

  /**
   * Scans the partition's key range in RocksDB, caching what fits (as the bytes read: a preload
   * deserializes nothing); calls {@code action} (if not null) with each entry, the cached state
   * where present. With an action the dirty entries are flushed first, so that keys only the
   * cache has are visited too. A preload (no action) needs no flush: a key found cached is
   * skipped, so a dirty entry wins over RocksDB's older copy, and the cache ends up holding every
   * key either way. Not flushing keeps the entries a restore put in the cache ({@link
   * #loadRestored}) out of RocksDB until a checkpoint or an eviction writes them.
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
      if (action != null) {
        flushLocked();
      }
      boolean cachedAll = true;
      int scanned = batch - 1; // scanned entries count as not used by this batch
      try (RocksIterator it = store.db().newIterator(cf, ro)) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          byte[] kb = it.key();
          int h = CacheTable.hash(kb, 0, kb.length);
          int slot = cache.find(kb, 0, kb.length, h);
          S s = null;
          if (slot < 0 && cache.size() < maxEntries) {
            byte[] v = it.value();
            cache.reserve(1);
            slot = cache.insert(kb, 0, kb.length, h, v, 0, v.length, scanned);
          } else if (slot < 0) {
            cachedAll = false;
            if (stopWhenFull) {
              break;
            }
            if (action != null) {
              s = stateSerde.fromBytes(it.value());
            }
          }
          if (action != null) {
            if (slot >= 0) {
              s = read(slot);
            }
            if (s != null) {
              K k = keySerde.fromBytes(kb, KeyLayout.PARTITION_BYTES, kb.length - KeyLayout.PARTITION_BYTES);
              if (slot >= 0) {
                iterKey = k;
                iterSlot = slot;
              }
              try {
                action.accept(k, s);
              } finally {
                iterKey = null;
              }
            }
          }
        }
        it.status();
      }
      if (cachedAll) {
        complete = true;
        removeCleanAbsent(); // in a complete cache absence is implied
      }
    } catch (RocksDBException e) {
      throw store.error("iterate", table, e);
    } finally {
      store.exit();
    }
  }

  /**
   * Puts the entries {@code indexes} of {@code entries} (this partition's share of a restored
   * checkpoint's {@link DirtyEntriesFile}) into the cache, dirty but not fresh ({@link
   * CacheTable#markRestored}), up to the cache's bound; the rest are written into RocksDB. So the
   * cache holds them as it did when the checkpoint copied them: the next checkpoint takes them
   * (into its own file or into RocksDB, {@link #keepsDirtyAtCheckpoint}) and an eviction writes
   * them, while a crash before that restores the same checkpoint again (it is never modified).
   * They count as not used by the coming batch, as preloaded entries do. Called once, when the
   * table opens, before any other use.
   *
   * @return the number of entries cached
   * @throws StateStoreException if writing the entries that do not fit fails
   */
  int loadRestored(SerializedEntries entries, int[] indexes) {
    store.enterToWrite(table);
    try {
      final byte[] b = entries.buffer();
      final int cached = Math.min(indexes.length, Math.max(0, maxEntries - cache.size()));
      cache.reserve(cached);
      for (int k = 0; k < cached; k++) {
        int i = indexes[k];
        int at = entries.keyStart(i);
        int length = entries.keyLength(i);
        int h = CacheTable.hash(b, at, length);
        int slot = cache.find(b, at, length, h);
        if (slot >= 0) {
          throw new IllegalStateException("Table '" + table + "' partition " + partition
              + ": a restored dirty entry's key is cached already");
        }
        slot = cache.insert(b, at, length, h, b, at + length, entries.valueLength(i), batch - 1);
        cache.markRestored(slot);
      }
      if (cached < indexes.length) {
        int rest = indexes.length - cached;
        SerializedEntries overflow = new SerializedEntries(cf.getID(), rest, 32L * rest + 64);
        for (int k = cached; k < indexes.length; k++) {
          int i = indexes[k];
          overflow.add(b, entries.keyStart(i), entries.keyLength(i), entries.valueLength(i));
        }
        overflow.encode(e -> store.writeEncoded(e, "restore", table));
      }
      return cached;
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
    lookedUp = 0;
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
    for (int v : victims) {
      spillChange(v);
    }
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
    lookedUp = 0;
    if (cache.dirtyCount() == 0) {
      return;
    }
    copyDirty().encode(b -> store.writeEncoded(b, "flush", table));
    markAllClean();
  }

  /**
   * Takes the dirty entries for a checkpoint: copies their bytes and marks them clean without
   * writing them. {@link StateSnapshot#writeTo} writes them off the batch thread; until it has,
   * every later write or eviction of this partition waits ({@link
   * StateStore#awaitCheckpointWrites}), so RocksDB receives the writes in order and a captured
   * entry is never dropped from the cache before it is in RocksDB. The caller holds {@code enter}.
   *
   * @return the entries, or null if none is dirty
   */
  SerializedEntries captureDirtyLocked() {
    lookedUp = 0;
    if (cache.dirtyCount() == 0) {
      return null;
    }
    SerializedEntries entries = copyDirty();
    markAllClean();
    return entries;
  }

  /**
   * Whether a checkpoint should take this partition's dirty entries as a copy that it writes to
   * its own file, leaving them dirty ({@link #copyDirtyLocked}), rather than write them into
   * RocksDB and mark them clean ({@link #captureDirtyLocked}). The copy costs a memory copy and a
   * sequential file write per dirty entry; writing into RocksDB costs ~10-20 times that per entry
   * (memtable inserts, a flush into a new SST file, the compactions that follow: ~2 core-seconds
   * per 1 M entries measured on session-count). But entries kept dirty are copied again by every
   * later checkpoint until they are written, so the copy is chosen only while most dirty entries
   * were written since the last checkpoint anyway: a checkpoint then copies at most {@value
   * #DIRTY_PER_FRESH_ENTRY} times what changed, and when older dirty entries pile up (a small set
   * of hot keys among many cached ones) one checkpoint writes them all into RocksDB. Fewer than
   * {@value #MIN_DIRTY_TO_KEEP} dirty entries are always written into RocksDB: cheap either way,
   * and the checkpoint of a small state stays RocksDB's alone.
   */
  boolean keepsDirtyAtCheckpoint() {
    int dirty = cache.dirtyCount();
    return dirty >= MIN_DIRTY_TO_KEEP && (long) dirty <= DIRTY_PER_FRESH_ENTRY * cache.freshCount();
  }

  /**
   * The copying capture of a checkpoint ({@link #keepsDirtyAtCheckpoint}): the dirty entries as
   * they are now, which stay dirty (RocksDB does not have them); they are no longer fresh.
   *
   * @return the entries, or null if none is dirty
   */
  SerializedEntries copyDirtyLocked() {
    lookedUp = 0;
    if (cache.dirtyCount() == 0) {
      return null;
    }
    SerializedEntries entries = copyDirty();
    cache.clearAllFresh();
    return entries;
  }

  private SerializedEntries copyDirty() {
    final CacheTable c = cache;
    final int dirty = c.dirtyCount();
    // The live bytes bound the dirty ones; a quarter of them is a fair first guess.
    SerializedEntries entries = new SerializedEntries(cf.getID(), dirty,
        Math.min(c.liveBytes(), 32L * dirty + 64));
    for (int i = 0, n = 0; i < c.capacity() && n < dirty; i++) {
      if (c.isDirty(i)) {
        entries.add(c.page(i), c.keyOffset(i), c.keyLength(i), c.valueLength(i));
        n++;
      }
    }
    return entries;
  }

  private void markAllClean() {
    if (cache.markAllClean() && complete) {
      // In a complete cache absence is implied: drop the entries of the removals just written.
      removeCleanAbsent();
    }
  }

  /** Drops the clean absent entries, keeping the changes among them for {@link #drainChanges}. */
  private void removeCleanAbsent() {
    final CacheTable c = cache;
    if (c.changedCount() > 0) {
      for (int i = 0, n = c.capacity(); i < n; i++) {
        if (c.isChanged(i) && !c.isDirty(i) && c.valueLength(i) == CacheTable.ABSENT) {
          spillChange(i);
        }
      }
    }
    c.removeCleanAbsent();
  }

  /** Takes the change of the entry in {@code slot}, if it is marked changed, before it is dropped. */
  private void spillChange(int slot) {
    final CacheTable c = cache;
    if (!c.isChanged(slot)) {
      return;
    }
    spilledKeys.add(keyBytes(slot));
    spilledValues.add(valueBytes(slot));
    c.clearChanged(slot);
  }

  private byte[] keyBytes(int slot) {
    int off = cache.keyOffset(slot);
    return Arrays.copyOfRange(cache.page(slot), off, off + cache.keyLength(slot));
  }

  /** @return a copy of the value in {@code slot}, or null if absent */
  private byte[] valueBytes(int slot) {
    int length = cache.valueLength(slot);
    if (length == CacheTable.ABSENT) {
      return null;
    }
    int off = cache.valueOffset(slot);
    return Arrays.copyOfRange(cache.page(slot), off, off + length);
  }

  // ------------------------------------------------------------------ change capture

  /**
   * Turns change capture on: from now on every write that changes an entry's bytes marks it, and
   * {@link #drainChanges} hands the marked entries out. Called through {@link
   * StateTable#captureChanges()}; cannot be turned off.
   */
  void captureChanges() {
    cache.trackChanges();
  }

  /**
   * Hands every key of this partition whose state changed since the last drain to {@code sink},
   * once, with its latest value, then forgets them. The bytes come from the cache as they are
   * (nothing is serialized): the key as RocksDB holds it ({@link KeyLayout#stateKey}: the u16
   * partition, then the serialized key) and the serialized state, or null for a removal. A write
   * of the bytes an entry already holds is no change. Entries evicted, flushed or checkpointed
   * since the last drain are included. Same thread contract as the rest of the partition; does
   * nothing unless {@link StateTable#captureChanges()} was called.
   *
   * <p>The cost is a pass over the cache's slots (a byte each) plus a copy of each change.
   *
   * @return the number of changes handed out
   * @throws StateStoreClosedException if the store is closed
   */
  public int drainChanges(ChangeSink sink) {
    store.checkOpen(table);
    int count = 0;
    for (int i = 0; i < spilledKeys.size(); i++) {
      sink.change(partition, spilledKeys.get(i), spilledValues.get(i));
      count++;
    }
    spilledKeys.clear();
    spilledValues.clear();
    final CacheTable c = cache;
    for (int i = 0, n = c.capacity(); i < n && c.changedCount() > 0; i++) {
      if (c.isChanged(i)) {
        sink.change(partition, keyBytes(i), valueBytes(i));
        c.clearChanged(i);
        count++;
      }
    }
    return count;
  }

  /** @return the number of changes the next {@link #drainChanges} would hand out */
  public int pendingChanges() {
    return spilledKeys.size() + cache.changedCount();
  }

  /**
   * Forgets the changes not drained yet (the batch they belong to will not be logged: a reset
   * after a fence or an aborted transaction). The values stay in the cache.
   */
  public void discardChanges() {
    spilledKeys.clear();
    spilledValues.clear();
    final CacheTable c = cache;
    for (int i = 0, n = c.capacity(); i < n && c.changedCount() > 0; i++) {
      c.clearChanged(i);
    }
  }

  // ------------------------------------------------------------------ raw writes (key groups that move)

  /**
   * Writes {@code chunk}'s entries to RocksDB as they are, in write batches, and drops the cache
   * (it would hide them). The caller holds no batch on this partition.
   *
   * @throws IllegalStateException if the cache has dirty entries or changes not drained: raw
   *     writes go to a partition that is not computed (restoring or standby)
   * @throws IllegalArgumentException if a key is not one of this partition's
   */
  void applyRaw(RawChunk chunk) {
    if (chunk.size() == 0) {
      store.checkOpen(table);
      return;
    }
    store.enterToWrite(table);
    try {
      if (cache.dirtyCount() > 0 || pendingChanges() > 0) {
        throw new IllegalStateException("Cannot apply raw changes to table '" + table + "' partition " + partition
            + ": it has " + cache.dirtyCount() + " dirty entries and " + pendingChanges()
            + " changes not drained (it is being computed)");
      }
      WriteBatchEncoder enc = new WriteBatchEncoder(cf.getID());
      java.util.TreeMap<Long, List<byte[]>> filed = null;
      for (int i = 0, n = chunk.size(); i < n; i++) {
        byte[] k = chunk.key(i);
        if (k.length < KeyLayout.PARTITION_BYTES || (((k[0] & 0xFF) << 8) | (k[1] & 0xFF)) != partition) {
          throw new IllegalArgumentException("Raw change " + i + " for table '" + table + "' partition " + partition
              + " has a key of another partition or too short (" + k.length + " bytes)");
        }
        byte[] v = chunk.value(i);
        if (chunk.filedAt(i) != RawChunk.NOT_FILED) {
          if (filed == null) {
            filed = new java.util.TreeMap<>();
          }
          filed.computeIfAbsent(chunk.filedAt(i), t -> new ArrayList<>()).add(k);
        }
        if (v == null) {
          enc.delete(k, 0, k.length);
        } else {
          enc.put(k, 0, k.length, v, 0, v.length);
        }
        if (enc.count() == SerializedEntries.WRITE_CHUNK || i == n - 1) {
          int count = enc.count();
          store.writeEncoded(new EncodedBatch(enc.finish(), count), "apply raw", table);
        }
      }
      if (filed != null) {
        filed.forEach(timeIndex::addRawLocked);
      }
      dropCacheLocked(false);
    } finally {
      store.exit();
    }
  }

  /**
   * Forgets the cache, dirty entries and pending changes included (their writes are discarded on
   * purpose). The caller holds {@code enter} and waited for checkpoint writes.
   *
   * @param empty whether the partition is now empty in RocksDB (a wipe): the empty cache is then
   *     complete and misses need no read
   */
  void dropCacheLocked(boolean empty) {
    lookedUp = 0;
    iterKey = null;
    spilledKeys.clear();
    spilledValues.clear();
    cache.clear();
    complete = empty;
  }

  /** Writes the entries of {@code slots[0..n)} and marks them clean (eviction). */
  private void writeSlots(int[] slots, int n, String operation) {
    if (n == 0) {
      return;
    }
    final CacheTable c = cache;
    SerializedEntries entries = new SerializedEntries(cf.getID(), n, 32L * n + 64);
    for (int k = 0; k < n; k++) {
      int slot = slots[k];
      entries.add(c.page(slot), c.keyOffset(slot), c.keyLength(slot), c.valueLength(slot));
    }
    entries.encode(b -> store.writeEncoded(b, operation, table));
    for (int k = 0; k < n; k++) {
      c.markClean(slots[k]);
    }
  }

  // ------------------------------------------------------------------ read-only access

  /**
   * Reads the state of {@code key} without changing anything: no cache fill, no recency, no
   * flush. The caller guarantees that no thread uses this partition meanwhile (the engine's
   * per-operator lock); several threads may read at once.
   *
   * @return a copy of the state (a state object may be changed in place by a later batch), or
   *     null if absent
   * @throws StateStoreException if reading RocksDB fails
   * @throws StateStoreClosedException if the store is closed
   */
  public S readCopy(K key) {
    // The cache holds states serialized: peek deserializes a fresh instance, which is the copy.
    return peek(key);
  }

  /**
   * Copies the cached entries for a {@link TableScan}; same thread contract as {@link #readCopy}.
   */
  CachedCopy<K, S> copyCache() {
    final CacheTable c = cache;
    CachedCopy<K, S> copy = new CachedCopy<>(stateSerde, c.size(), !complete);
    for (int i = 0, n = c.capacity(); i < n; i++) {
      if (c.isOccupied(i)) {
        K k = keySerde.fromBytes(c.page(i), c.keyOffset(i) + KeyLayout.PARTITION_BYTES,
            c.keyLength(i) - KeyLayout.PARTITION_BYTES);
        copy.add(k, read(i));
      }
    }
    return copy;
  }

  /** @return whether the cache holds every key of this partition (RocksDB need not be read) */
  boolean isComplete() {
    return complete;
  }

  /** @return the cached entries that hold a state (absences and pending removals not counted) */
  int liveCachedEntries() {
    final CacheTable c = cache;
    int live = 0;
    for (int i = 0, n = c.capacity(); i < n; i++) {
      if (c.isOccupied(i) && c.valueLength(i) != CacheTable.ABSENT) {
        live++;
      }
    }
    return live;
  }

  /** @return the slots of the cache's index (a power of two; it grows, never shrinks) */
  int cacheIndexSlots() {
    return cache.capacity();
  }

  /** @return keys looked up by {@link #getAll} since open */
  public long lookups() {
    return lookups;
  }

  /** @return keys {@link #getAll} did not find in the cache (and read from RocksDB) since open */
  public long misses() {
    return misses;
  }

  /** @return the number of cached entries (including known absences and pending removals) */
  public int cachedEntries() {
    return cache.size();
  }

  /** @return the number of entries waiting to be written */
  public int dirtyEntries() {
    return cache.dirtyCount();
  }

  /** @return the heap the cache of this partition holds, in bytes (its arrays and pages) */
  public long cacheMemoryBytes() {
    return cache.memoryBytes();
  }
}
