package io.uji.state;

import io.uji.serde.Serde;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.FlushOptions;
import org.rocksdb.MemoryUsageType;
import org.rocksdb.MemoryUtil;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyed state on one RocksDB instance: one column family per {@link StateTable}, one native
 * memory budget, checkpoints by hard links and restore from them.
 *
 * <h2>Durability</h2>
 *
 * The live database is <em>not</em> the durable copy of the state. Writes skip RocksDB's WAL and
 * the write-back caches hold recent updates on the heap; only {@link #checkpoint(Path)} makes a
 * consistent, durable copy. After a crash the owner calls {@link #restore(Path,
 * StateStoreConfig)} with the newest checkpoint and replays what came after it. {@link
 * #open(StateStoreConfig)} on an existing live directory (without restore) sees what was flushed
 * ({@link StatePartition#flush()}, a checkpoint, an eviction) before the store was closed; it is
 * meant for tests and for running without checkpoints, not for recovery.
 *
 * <h2>Threads</h2>
 *
 * {@link #table}, {@link #checkpoint}, {@link #close} and the other store methods are
 * thread-safe. A {@link StatePartition} is used by one thread at a time; different partitions
 * may be used in parallel. {@link #checkpoint} and {@link #beginCheckpoint} must not run while a
 * partition is in use (the engine calls them at a batch boundary); the {@link StateSnapshot}
 * that {@code beginCheckpoint} returns is written on any thread while partitions are in use.
 * {@link #close} waits for native calls in progress and then makes every later call fail with
 * {@link StateStoreClosedException}.
 */
public final class StateStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StateStore.class);
  static final String META_CF = "uji.meta";
  static final String TIMEOUTS_SUFFIX = TableIds.TIMEOUTS_SUFFIX;
  private static final String DEFAULT_CF = new String(RocksDB.DEFAULT_COLUMN_FAMILY, StandardCharsets.UTF_8);
  private static final String META_TABLE_PREFIX = "table/";
  private static final byte META_FORMAT = 1;
  /** Entries per write batch when a table is copied (a rename). */
  private static final int COPY_BATCH = 32 * 1024;

  static {
    RocksDB.loadLibrary();
  }

  private final StateStoreConfig config;
  private final String name;
  private final NativeOptions options;
  private final RocksDB db;
  /** Every column family of the database by name, including the default and meta ones. */
  private final Map<String, ColumnFamilyHandle> handles;
  /** numPartitions of every table recorded in the meta column family. */
  private final Map<String, Integer> recordedTables;
  private final Map<String, StateTable<?, ?>> openTables = new LinkedHashMap<>();
  /**
   * Read-held by every native call of tables and partitions, write-held by {@link #close}, so
   * closing never frees native handles under a running call. Taken once per call (a batch of
   * keys), never per record.
   */
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  /** Scans holding a snapshot (and maybe an iterator), closed before the database. */
  private final Set<TableScan<?, ?>> openScans = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;
  /**
   * Completed when the entries captured by the newest {@link #beginCheckpoint} are in RocksDB;
   * exceptionally if writing them failed. See {@link #awaitCheckpointWrites}.
   */
  private volatile CompletableFuture<Void> pendingCheckpointWrites = CompletableFuture.completedFuture(null);
  /**
   * The name of the file of a state checkpoint that {@link #restore(Path, StateStoreConfig,
   * RestoredEntries, OptionalInt)} can check against a recorded checksum while reading it.
   */
  public static final String DIRTY_ENTRIES_FILE = DirtyEntriesFile.NAME;

  /** {@link #restoredSequenceNumber()}. */
  private final long sequenceAtOpen;
  /**
   * A restored checkpoint's dirty entries ({@link DirtyEntriesFile}) of tables not opened yet, by
   * table id, which RocksDB lacks ({@link RestoredEntries#INTO_CACHE}): each table's go into its
   * cache as it opens ({@link #table}); a checkpoint taken before writes those left into RocksDB.
   */
  private final Map<String, SerializedEntries> unopenedDirtyEntries = new LinkedHashMap<>();

  /** Where {@link #restore(Path, StateStoreConfig, RestoredEntries)} puts a checkpoint's dirty entries. */
  public enum RestoredEntries {
    /**
     * Written into RocksDB at the restore: the live database alone then holds the checkpoint's
     * state. For key groups written raw after the restore ({@link StateTable#applyRaw} drops the
     * cache, and refuses a partition with dirty entries).
     */
    INTO_ROCKSDB,
    /**
     * Kept, and put into each table's cache as the table opens, still dirty (its partitions' share
     * beyond the cache's bound into RocksDB then): the restore writes nothing and the cache starts
     * with the entries the checkpoint's batches wrote last, rather than arbitrary ones. The next
     * checkpoint or an eviction writes them; until then the live database lacks them, as it
     * lacks every dirty entry, and a crash restores the checkpoint again.
     */
    INTO_CACHE
  }

  private StateStore(StateStoreConfig config, NativeOptions options, RocksDB db,
      Map<String, ColumnFamilyHandle> handles, Map<String, Integer> recordedTables) {
    this.config = config;
    this.name = config.dir().toString();
    this.options = options;
    this.db = db;
    this.handles = handles;
    this.recordedTables = recordedTables;
    this.sequenceAtOpen = db.getLatestSequenceNumber();
  }

  /**
   * Opens the live database in {@code config.dir()}, creating it if missing, with every column
   * family it has.
   *
   * @throws StateStoreException if the directory cannot be created or opened, for example
   *     because it is a file or another store of this process has it open
   */
  public static StateStore open(StateStoreConfig config) {
    Path dir = config.dir();
    String path = dir.toAbsolutePath().toString();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StateStoreException("Error opening state store " + dir + ": cannot create the directory", e);
    }
    NativeOptions options = new NativeOptions(config);
    List<ColumnFamilyHandle> handleList = new ArrayList<>();
    RocksDB db = null;
    try {
      List<String> names = existingColumnFamilies(dir);
      if (!names.contains(META_CF)) {
        names.add(META_CF);
      }
      List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
      for (String n : names) {
        descriptors.add(new ColumnFamilyDescriptor(n.getBytes(StandardCharsets.UTF_8), options.cfOptions));
      }
      db = RocksDB.open(options.dbOptions, path, descriptors, handleList);
      Map<String, ColumnFamilyHandle> handles = new LinkedHashMap<>();
      for (int i = 0; i < names.size(); i++) {
        handles.put(names.get(i), handleList.get(i));
      }
      Map<String, Integer> recorded = readMeta(db, handles.get(META_CF));
      LOG.info("Opened state store {} with tables {}", dir, recorded.keySet());
      return new StateStore(config, options, db, handles, recorded);
    } catch (RocksDBException | RuntimeException e) {
      List<AutoCloseable> toClose = new ArrayList<>(handleList);
      toClose.add(db);
      toClose.add(options);
      try {
        Closer.closeAll("state store " + dir + " after a failed open", toClose);
      } catch (StateStoreException closeFailure) {
        e.addSuppressed(closeFailure);
      }
      throw new StateStoreException("Error opening state store " + dir, e);
    }
  }

  /**
   * Replaces the live directory {@code config.dir()} by a copy of a checkpoint made by {@link
   * #checkpoint(Path)} and opens it. SST files are hard-linked (they are immutable), the small
   * files copied, so the checkpoint is never modified and can be restored again.
   *
   * @param checkpointDir a directory written by {@link #checkpoint(Path)}
   * @throws StateStoreException if {@code checkpointDir} is not a checkpoint, if the live
   *     directory exists, is not empty and is not a RocksDB directory (it is never deleted
   *     then), or if copying or opening fails
   */
  public static StateStore restore(Path checkpointDir, StateStoreConfig config) {
    return restore(checkpointDir, config, RestoredEntries.INTO_ROCKSDB);
  }

  /**
   * As {@link #restore(Path, StateStoreConfig)}, with the checkpoint's dirty entries put where
   * {@code entries} says. The live directory never gets a copy of their file: it is read from
   * the checkpoint.
   *
   * @throws StateStoreException as {@link #restore(Path, StateStoreConfig)}, and if the
   *     checkpoint's {@link DirtyEntriesFile} is damaged or of another version
   */
  public static StateStore restore(Path checkpointDir, StateStoreConfig config, RestoredEntries entries) {
    return restore(checkpointDir, config, entries, OptionalInt.empty());
  }

  /**
   * As {@link #restore(Path, StateStoreConfig, RestoredEntries)}, checking that the checkpoint's
   * {@value #DIRTY_ENTRIES_FILE} file has the CRC32C {@code dirtyEntriesCrc32c} as it reads it:
   * for a caller that verified the checkpoint's other files against their recorded checksums and
   * left this one to the restore, so that it is read once rather than twice.
   *
   * @param dirtyEntriesCrc32c the file's recorded CRC32C; empty if none was recorded
   * @throws StateFileDamagedException if the file's CRC32C differs: the checkpoint is damaged
   * @throws StateStoreException as {@link #restore(Path, StateStoreConfig, RestoredEntries)}
   */
  public static StateStore restore(Path checkpointDir, StateStoreConfig config, RestoredEntries entries,
      OptionalInt dirtyEntriesCrc32c) {
    StateRestore.replaceLive(checkpointDir, config.dir());
    StateStore store = open(config);
    try {
      store.takeDirtyEntries(DirtyEntriesFile.read(checkpointDir, dirtyEntriesCrc32c), entries);
    } catch (RuntimeException | Error e) {
      store.close();
      throw e;
    }
    return store;
  }

  /**
   * Takes a restored checkpoint's dirty entries: a table's are kept for its cache if {@code
   * where} says so, everything else is written into RocksDB in key order.
   * {@link #restoredSequenceNumber()} is the sequence number before.
   */
  private void takeDirtyEntries(Map<String, SerializedEntries> blocks, RestoredEntries where) {
    long written = 0;
    long kept = 0;
    enter(null);
    try {
      for (Map.Entry<String, SerializedEntries> b : blocks.entrySet()) {
        ColumnFamilyHandle cf = handles.get(b.getKey());
        if (cf == null) {
          throw new StateStoreException("Error restoring state store " + name + ": its checkpoint's "
              + DirtyEntriesFile.NAME + " has entries of column family " + b.getKey() + ", which RocksDB's copy lacks");
        }
        SerializedEntries e = b.getValue().withColumnFamily(cf.getID());
        if (where == RestoredEntries.INTO_CACHE && recordedTables.containsKey(b.getKey())) {
          unopenedDirtyEntries.put(b.getKey(), e);
          kept += e.size();
        } else {
          written += e.size();
          writeAll(e, "restore");
        }
      }
    } finally {
      exit();
    }
    if (written + kept > 0) {
      LOG.info("State store {}: of the checkpoint's {}, {} entries written into RocksDB, {} kept for the caches",
          name, DirtyEntriesFile.NAME, written, kept);
    }
  }

  /** Writes {@code entries} in key order. The caller holds {@link #enter}. */
  private void writeAll(SerializedEntries entries, String operation) {
    entries.encode(batch -> writeEncoded(batch, operation, null));
  }

  /**
   * Opens a checkpoint written by {@link #checkpoint(Path)} read-only, without modifying or adding
   * anything in its directory: the source of {@link StateTable#copyGroupFrom}. The caller closes it.
   *
   * @throws StateStoreException if {@code checkpointDir} is not a state checkpoint or cannot be
   *     opened
   */
  public static ReadOnlyStateStore openReadOnly(Path checkpointDir) {
    return ReadOnlyStateStore.open(checkpointDir);
  }

  static List<String> existingColumnFamilies(Path dir) throws RocksDBException {
    List<String> names = new ArrayList<>();
    if (!Files.exists(dir.resolve("CURRENT"))) {
      names.add(DEFAULT_CF);
      return names;
    }
    try (Options o = new Options()) {
      for (byte[] n : RocksDB.listColumnFamilies(o, dir.toAbsolutePath().toString())) {
        names.add(new String(n, StandardCharsets.UTF_8));
      }
    }
    if (!names.contains(DEFAULT_CF)) {
      names.add(0, DEFAULT_CF);
    }
    return names;
  }

  static Map<String, Integer> readMeta(RocksDB db, ColumnFamilyHandle meta) {
    Map<String, Integer> tables = new LinkedHashMap<>();
    try (RocksIterator it = db.newIterator(meta)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        String key = new String(it.key(), StandardCharsets.UTF_8);
        byte[] v = it.value();
        if (key.startsWith(META_TABLE_PREFIX) && v.length == 5 && v[0] == META_FORMAT) {
          tables.put(key.substring(META_TABLE_PREFIX.length()), KeyLayout.getInt(v, 1));
        }
      }
    }
    return tables;
  }

  /**
   * Opens the table {@code id}: its column family, created if missing, and its partitions.
   * A table's number of partitions is recorded in the database when it is first created and
   * must be the same on every later open (the key layout depends on it).
   *
   * @param id the table's stable id (the stateful operator's id), valid by {@link TableIds#check}
   * @param numPartitions in [1, 65535]
   * @throws IllegalArgumentException if {@code id} or {@code numPartitions} is invalid
   * @throws IllegalStateException if the table is already open in this store
   * @throws StateStoreException if the table was created with another number of partitions,
   *     or if creating its column families fails
   * @throws StateStoreClosedException if the store is closed
   */
  public <K, S> StateTable<K, S> table(String id, Serde<K> keySerde, Serde<S> stateSerde, int numPartitions) {
    return table(id, keySerde, stateSerde, numPartitions, Runnable::run);
  }

  /**
   * As {@link #table(String, Serde, Serde, int)}; the restored dirty entries of the table, if
   * any ({@link RestoredEntries#INTO_CACHE}), are put into its partitions' caches in parallel on
   * {@code restoreExecutor} (the calling thread waits).
   */
  public synchronized <K, S> StateTable<K, S> table(
      String id, Serde<K> keySerde, Serde<S> stateSerde, int numPartitions, Executor restoreExecutor) {
    checkOpen(null);
    TableIds.check(id, "state table id");
    if (numPartitions < 1 || numPartitions > KeyLayout.MAX_PARTITIONS) {
      throw new IllegalArgumentException("numPartitions of table '" + id + "' must be in [1, "
          + KeyLayout.MAX_PARTITIONS + "]: " + numPartitions);
    }
    if (openTables.containsKey(id)) {
      throw new IllegalStateException("Table '" + id + "' of state store " + name + " is already open");
    }
    Integer recorded = recordedTables.get(id);
    if (recorded != null && recorded != numPartitions) {
      throw new StateStoreException("Table '" + id + "' of state store " + name + " was created with "
          + recorded + " partitions, but is opened with " + numPartitions
          + "; the number of partitions of a stateful operator cannot change across restarts");
    }
    StateTable<K, S> table;
    lifecycle.readLock().lock();
    try {
      checkOpen(id);
      boolean fresh = !handles.containsKey(id);
      ColumnFamilyHandle stateCf = columnFamily(id);
      ColumnFamilyHandle timeoutsCf = columnFamily(id + TIMEOUTS_SUFFIX);
      if (recorded == null) {
        recordTable(id, numPartitions);
      }
      long perPartition = Math.max(1, config.cacheEntriesPerTable() / numPartitions);
      table = new StateTable<>(this, id, keySerde, stateSerde, numPartitions,
          stateCf, timeoutsCf, (int) Math.min(Integer.MAX_VALUE - 8, perPartition), fresh);
      openTables.put(id, table);
    } catch (RocksDBException e) {
      throw error("create", id, e);
    } finally {
      lifecycle.readLock().unlock();
    }
    SerializedEntries restored = unopenedDirtyEntries.remove(id);
    if (restored != null) {
      long start = System.nanoTime();
      long cached = table.loadRestored(restored, restoreExecutor);
      LOG.info("State store {}: table '{}' took {} restored dirty entries into its cache, wrote {} into RocksDB, in {} ms",
          name, id, cached, restored.size() - cached, (System.nanoTime() - start) / 1_000_000);
    }
    return table;
  }

  private ColumnFamilyHandle columnFamily(String cf) throws RocksDBException {
    ColumnFamilyHandle h = handles.get(cf);
    if (h == null) {
      h = db.createColumnFamily(new ColumnFamilyDescriptor(cf.getBytes(StandardCharsets.UTF_8), options.cfOptions));
      handles.put(cf, h);
    }
    return h;
  }

  /**
   * Moves the state of table {@code from} to the id {@code to}, for a stateful operator that was
   * renamed: every entry of its column families ({@code from} and its time index) is copied byte
   * for byte into new ones named {@code to} (keys begin with the partition, so the number of
   * partitions, recorded for {@code to}, stays the same), then {@code from} is dropped. Meant for
   * the start, after a restore and before either table is opened. Like every write it skips
   * RocksDB's WAL: until the next checkpoint the live database is not the durable copy, and a
   * crash restores the checkpoint that still has {@code from}.
   *
   * @throws IllegalArgumentException if {@code to} is not a valid table id
   * @throws IllegalStateException if either table is open, {@code from} does not exist or {@code
   *     to} does
   * @throws StateStoreException if copying fails
   * @throws StateStoreClosedException if the store is closed
   */
  public synchronized void renameTable(String from, String to) {
    checkOpen(null);
    TableIds.check(to, "state table id");
    Integer partitions = recordedTables.get(from);
    if (partitions == null || recordedTables.containsKey(to) || handles.containsKey(to)) {
      throw new IllegalStateException("Cannot rename table '" + from + "' of state store " + name + " to '" + to
          + "': " + (partitions == null ? "there is no table '" + from + "'" : "a table '" + to + "' exists"));
    }
    if (openTables.containsKey(from)) {
      throw new IllegalStateException("Cannot rename table '" + from + "' of state store " + name + ": it is open");
    }
    lifecycle.readLock().lock();
    try {
      checkOpen(from);
      long copied = copyColumnFamily(from, to) + copyColumnFamily(from + TIMEOUTS_SUFFIX, to + TIMEOUTS_SUFFIX);
      recordTable(to, partitions);
      dropColumnFamilies(from);
      SerializedEntries restored = unopenedDirtyEntries.remove(from);
      if (restored != null) {
        // Keys are copied byte for byte: the entries are the new table's as they are.
        unopenedDirtyEntries.put(to, restored.withColumnFamily(handles.get(to).getID()));
      }
      LOG.info("State store {}: table '{}' renamed to '{}' ({} entries copied)", name, from, to, copied);
    } catch (RocksDBException e) {
      throw error("rename to '" + to + "'", from, e);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /**
   * Deletes table {@code id}: its column families and its record (a stateful operator the
   * program no longer has, whose state the user chose to drop). Does nothing if there is no such
   * table.
   *
   * @throws IllegalStateException if the table is open
   * @throws StateStoreException if deleting fails
   * @throws StateStoreClosedException if the store is closed
   */
  public synchronized void dropTable(String id) {
    checkOpen(null);
    if (openTables.containsKey(id)) {
      throw new IllegalStateException("Cannot drop table '" + id + "' of state store " + name + ": it is open");
    }
    lifecycle.readLock().lock();
    try {
      checkOpen(id);
      dropColumnFamilies(id);
      unopenedDirtyEntries.remove(id);
      LOG.info("State store {}: table '{}' dropped", name, id);
    } catch (RocksDBException e) {
      throw error("drop", id, e);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /** @return the entries copied from column family {@code from} into a new one, {@code to} */
  private long copyColumnFamily(String from, String to) throws RocksDBException {
    ColumnFamilyHandle target = columnFamily(to);
    ColumnFamilyHandle source = handles.get(from);
    if (source == null) {
      return 0;
    }
    long copied = 0;
    try (RocksIterator it = db.newIterator(source)) {
      WriteBatch batch = new WriteBatch();
      try {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          batch.put(target, it.key(), it.value());
          if (++copied % COPY_BATCH == 0) {
            db.write(options.writeOptions, batch);
            batch.close();
            batch = new WriteBatch();
          }
        }
        it.status();
        db.write(options.writeOptions, batch);
      } finally {
        batch.close();
      }
    }
    return copied;
  }

  private void recordTable(String id, int numPartitions) throws RocksDBException {
    byte[] v = new byte[5];
    v[0] = META_FORMAT;
    KeyLayout.putInt(v, 1, numPartitions);
    db.put(handles.get(META_CF), options.writeOptions, (META_TABLE_PREFIX + id).getBytes(StandardCharsets.UTF_8), v);
    recordedTables.put(id, numPartitions);
  }

  /** Drops the column families of table {@code id} and deletes its record. */
  private void dropColumnFamilies(String id) throws RocksDBException {
    for (String cf : List.of(id, id + TIMEOUTS_SUFFIX)) {
      ColumnFamilyHandle h = handles.remove(cf);
      if (h != null) {
        db.dropColumnFamily(h);
        h.close();
      }
    }
    db.delete(handles.get(META_CF), options.writeOptions, (META_TABLE_PREFIX + id).getBytes(StandardCharsets.UTF_8));
    recordedTables.remove(id);
  }

  /**
   * @return the number of partitions table {@code id} was created with, or empty if the store
   *     holds no such table (so a caller can open an existing table with its own count)
   * @throws StateStoreClosedException if the store is closed
   */
  public synchronized java.util.OptionalInt recordedPartitions(String id) {
    checkOpen(null);
    Integer n = recordedTables.get(id);
    return n == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(n);
  }

  /**
   * @return the ids of the tables in the database (open or not), including those created before
   *     this store was opened
   * @throws StateStoreClosedException if the store is closed
   */
  public synchronized Set<String> tableNames() {
    checkOpen(null);
    return Collections.unmodifiableSet(new TreeSet<>(recordedTables.keySet()));
  }

  /**
   * Writes a consistent copy of the whole store to {@code target}: flushes every partition's
   * dirty cache entries (or copies them into the checkpoint's {@link DirtyEntriesFile}, see
   * {@link #beginCheckpoint}), flushes the memtables (needed since there is no WAL), then creates
   * a RocksDB checkpoint (hard links to the SST files). Must not run while a partition is in use.
   *
   * @param target a directory that must not exist; its parent is created if missing
   * @throws StateStoreException if {@code target} exists or writing fails
   * @throws StateStoreClosedException if the store is closed
   */
  public long checkpoint(Path target) {
    return checkpoint(target, Runnable::run);
  }

  /**
   * As {@link #checkpoint(Path)}, taking the partitions' dirty entries in parallel on {@code
   * captureExecutor}; the same as {@link #beginCheckpoint} then {@link StateSnapshot#writeTo}.
   *
   * @throws StateStoreException if {@code target} exists or writing fails
   * @throws StateStoreClosedException if the store is closed
   */
  public long checkpoint(Path target, Executor captureExecutor) {
    requireAbsent(target); // before the capture, which would have to be written anyway
    return beginCheckpoint(captureExecutor).writeTo(target);
  }

  private void requireAbsent(Path target) {
    if (Files.exists(target)) {
      throw new StateStoreException("Error creating checkpoint of state store " + name + " in " + target
          + ": the target exists");
    }
  }

  /**
   * The synchronous half of a checkpoint, at a batch boundary: takes a copy of every partition's
   * dirty cache entries (in parallel on {@code captureExecutor}) and marks them clean, except in
   * the partitions whose dirty entries were mostly written since the last checkpoint ({@link
   * StatePartition#keepsDirtyAtCheckpoint}): those stay dirty, and their copy goes to the
   * checkpoint's {@link DirtyEntriesFile} instead of into RocksDB. The returned snapshot writes them and the RocksDB checkpoint later, on any
   * thread, while the partitions are used again (Flink's two-phase snapshot: a short synchronous
   * part, the I/O asynchronous). Until {@link StateSnapshot#writeTo} has linked the checkpoint,
   * every partition operation that writes RocksDB (the time index included) or drops cache
   * entries waits for it; reads do not (a captured entry stays cached until then, so no read can
   * miss it). At most one snapshot is in flight: this method first waits for the previous one.
   *
   * <p>Must not run while a partition is in use.
   *
   * @return the snapshot, which must be written ({@link StateSnapshot#writeTo}) exactly once
   * @throws StateStoreException if taking the entries fails (those taken are then written at once)
   *     or if an earlier snapshot's writes failed
   * @throws StateStoreClosedException if the store is closed
   */
  public synchronized StateSnapshot beginCheckpoint(Executor captureExecutor) {
    awaitCheckpointWrites(null);
    long start = System.nanoTime();
    enter(null);
    try {
      // A table not opened since the restore still needs its restored entries in this checkpoint.
      for (SerializedEntries restored : unopenedDirtyEntries.values()) {
        writeAll(restored, "checkpoint");
      }
      unopenedDirtyEntries.clear();
      List<CompletableFuture<SerializedEntries>> captures = new ArrayList<>();
      List<Boolean> copies = new ArrayList<>();
      for (StateTable<?, ?> t : openTables.values()) {
        for (int p = 0; p < t.numPartitions(); p++) {
          StatePartition<?, ?> part = t.partitionUnchecked(p);
          boolean copy = part.keepsDirtyAtCheckpoint();
          copies.add(copy);
          captures.add(CompletableFuture.supplyAsync(copy ? part::copyDirtyLocked : part::captureDirtyLocked,
              captureExecutor));
        }
      }
      List<SerializedEntries> captured = new ArrayList<>();
      List<SerializedEntries> copied = new ArrayList<>();
      RuntimeException failure = null;
      for (int i = 0; i < captures.size(); i++) {
        CompletableFuture<SerializedEntries> c = captures.get(i);
        try {
          SerializedEntries entries = c.join();
          if (entries != null) { // null: the partition had nothing dirty
            (copies.get(i) ? copied : captured).add(entries);
          }
        } catch (CompletionException e) {
          RuntimeException cause = e.getCause() instanceof RuntimeException r ? r : e;
          if (failure == null) {
            failure = cause;
          } else {
            failure.addSuppressed(cause);
          }
        }
      }
      if (failure != null) {
        // The partitions that were taken have marked their entries clean: write them now, so
        // the cache and RocksDB still agree, then report the failure.
        try {
          for (SerializedEntries entries : captured) {
            entries.encode(b -> writeEncoded(b, "checkpoint capture", null));
          }
        } catch (RuntimeException e) {
          failure.addSuppressed(e);
        }
        throw failure;
      }
      CompletableFuture<Void> writes = new CompletableFuture<>();
      pendingCheckpointWrites = writes;
      Map<Integer, String> cfNames = new java.util.HashMap<>();
      handles.forEach((n, h) -> cfNames.put(h.getID(), n));
      return new StateSnapshot(this, captured, copied, cfNames, new ArrayList<>(handles.values()), writes,
          System.nanoTime() - start);
    } finally {
      exit();
    }
  }

  /**
   * Waits until the captured entries of the snapshot in flight (if any) are in RocksDB. Callers
   * must not hold {@link #enter} (the snapshot's writer takes it).
   *
   * @throws StateStoreException if writing them failed: the cache then lacks entries RocksDB
   *     never got, and the store must be restored from a checkpoint
   */
  void awaitCheckpointWrites(String table) {
    CompletableFuture<Void> writes = pendingCheckpointWrites;
    if (writes.isDone() && !writes.isCompletedExceptionally()) {
      return;
    }
    try {
      writes.join();
    } catch (CompletionException | java.util.concurrent.CancellationException e) {
      throw new StateStoreException((table == null ? "" : "Table '" + table + "' of ") + "state store " + name
          + " is unusable: writing the entries taken for a checkpoint failed, so the live database"
          + " lacks them; restore the store from a checkpoint", e.getCause() == null ? e : e.getCause());
    }
  }

  /** Writes one encoded batch. The caller holds {@link #enter}. */
  void writeEncoded(EncodedBatch batch, String operation, String table) {
    try (WriteBatch wb = new WriteBatch(batch.rep())) {
      if (wb.count() != batch.count()) {
        throw new IllegalStateException("WriteBatch encoding mismatch: " + wb.count() + " != " + batch.count());
      }
      db.write(options.writeOptions, wb);
    } catch (RocksDBException e) {
      throw error(operation, table, e);
    }
  }

  /**
   * The second half of {@link StateSnapshot#writeTo}: memtables flushed, then hard links.
   *
   * @return the sequence number the checkpoint holds (no write can come in between: the
   *     caller holds back every partition write until the links are made)
   */
  long flushAndLink(List<ColumnFamilyHandle> cfs, Path target) throws RocksDBException, IOException {
    requireAbsent(target);
    Path parent = target.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (FlushOptions flush = new FlushOptions().setWaitForFlush(true);
        Checkpoint checkpoint = Checkpoint.create(db)) {
      db.flush(flush, cfs);
      long sequence = db.getLatestSequenceNumber();
      checkpoint.createCheckpoint(target.toAbsolutePath().toString());
      return sequence;
    }
  }

  /**
   * @return the sequence number of the newest write the database held when it was opened,
   *     before anything was written. For a store just restored from a checkpoint it is the number
   *     {@link StateSnapshot#writeTo} returned when the checkpoint was made, unless the
   *     checkpoint's files were damaged (a truncated MANIFEST, say, makes RocksDB open an older
   *     version of the state without complaint)
   * @throws StateStoreClosedException if the store is closed
   */
  public long restoredSequenceNumber() {
    checkOpen(null);
    return sequenceAtOpen;
  }

  /**
   * @return the sequence number of the newest write the database holds. Since a checkpoint may
   *     hold entries beside RocksDB's copy (applied by {@link #restore}), compare {@link
   *     #restoredSequenceNumber()}, not this, with what {@link StateSnapshot#writeTo} returned
   * @throws StateStoreClosedException if the store is closed
   */
  public long latestSequenceNumber() {
    enter(null);
    try {
      return db.getLatestSequenceNumber();
    } finally {
      exit();
    }
  }

  /**
   * @return the approximate native memory of the store in bytes: the block cache's usage, which
   *     includes the memtables (charged to it by the write buffer manager) and the cached index
   *     and filter blocks, plus table-reader memory outside the cache. Not counted: RocksDB's
   *     own allocations outside these (iterators' pinned blocks, compaction buffers, the
   *     allocator's fragmentation), typically a few MiB
   * @throws StateStoreClosedException if the store is closed
   */
  public long nativeMemoryUsage() {
    enter(null);
    try {
      Map<MemoryUsageType, Long> usage =
          MemoryUtil.getApproximateMemoryUsageByType(List.of(db), Set.of(options.cache));
      return usage.getOrDefault(MemoryUsageType.kCacheTotal, 0L)
          + usage.getOrDefault(MemoryUsageType.kTableReadersTotal, 0L);
    } finally {
      exit();
    }
  }

  /** @return the configuration the store was opened with */
  public StateStoreConfig config() {
    return config;
  }

  /**
   * Closes the store: waits for native calls in progress, then frees every native resource.
   * Cache entries not flushed are dropped (the live database is not the durable copy); RocksDB
   * flushes its memtables on close. Closing again does nothing.
   *
   * @throws StateStoreException if closing the database failed (everything is closed anyway)
   */
  @Override
  public void close() {
    lifecycle.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      // Order matters: column family handles before the database that owns them, the database
      // before the options, cache and write buffer manager it uses (freeing those first would
      // leave RocksDB with dangling pointers). Tables and partitions hold no native objects;
      // iterators and batches are short-lived and closed by the calls that made them, except the
      // open scans' iterators and snapshots, which go first.
      List<AutoCloseable> order = new ArrayList<>(openScans);
      order.addAll(handles.values());
      order.add(db::closeE);
      order.add(options);
      Closer.closeAll("state store " + name, order);
      LOG.info("Closed state store {}", name);
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  // --- scans and properties (read-only access) ---

  /** Opens a scan with a snapshot taken now; registered so that {@link #close()} ends it first. */
  <K, S> TableScan<K, S> openScan(String table, ColumnFamilyHandle cf, Serde<K> keySerde, Serde<S> stateSerde,
      List<CachedCopy<K, S>> copies, List<Integer> uncached, List<CachedCopy<K, S>> uncachedCopies) {
    enter(table);
    try {
      Snapshot snapshot = uncached.isEmpty() ? null : db.getSnapshot();
      TableScan<K, S> scan = new TableScan<>(this, table, cf, keySerde, stateSerde, copies, uncached, uncachedCopies,
          snapshot);
      if (snapshot != null) {
        openScans.add(scan);
      }
      return scan;
    } finally {
      exit();
    }
  }

  /**
   * Releases a scan's snapshot. Does not enter: {@link #close()} calls it (through the scan)
   * while holding the lifecycle lock, and the database is open until every scan is closed.
   */
  void releaseScan(TableScan<?, ?> scan, Snapshot snapshot) {
    if (openScans.remove(scan)) {
      db.releaseSnapshot(snapshot);
    }
  }

  /** @return a RocksDB integer property of a column family, 0 if RocksDB does not know it */
  long longProperty(String table, ColumnFamilyHandle cf, String property) {
    enter(table);
    try {
      return db.getLongProperty(cf, property);
    } catch (RocksDBException e) {
      throw error("read property " + property, table, e);
    } finally {
      exit();
    }
  }

  // --- for tables and partitions ---

  RocksDB db() {
    return db;
  }

  org.rocksdb.WriteOptions writeOptions() {
    return options.writeOptions;
  }

  String name() {
    return name;
  }

  /** Enters a native call. @throws StateStoreClosedException if the store is closed */
  void enter(String table) {
    lifecycle.readLock().lock();
    if (closed) {
      lifecycle.readLock().unlock();
      throw closedError(table);
    }
  }

  /**
   * Enters a native call that writes RocksDB or drops cache entries: first waits for the
   * checkpoint in flight, if any, to be written ({@link #awaitCheckpointWrites}).
   */
  void enterToWrite(String table) {
    awaitCheckpointWrites(table);
    enter(table);
  }

  void exit() {
    lifecycle.readLock().unlock();
  }

  /** For heap-only calls. @throws StateStoreClosedException if the store is closed */
  void checkOpen(String table) {
    if (closed) {
      throw closedError(table);
    }
  }

  private StateStoreClosedException closedError(String table) {
    return new StateStoreClosedException(
        (table == null ? "" : "Table '" + table + "' of ") + "state store " + name + " is closed");
  }

  StateStoreException error(String operation, String table, Exception cause) {
    return new StateStoreException("Error in " + operation + " on table '" + table + "' of state store " + name, cause);
  }
}
