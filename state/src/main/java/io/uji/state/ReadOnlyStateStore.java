package io.uji.state;

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
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.Logger;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * A checkpoint written by {@link StateStore#checkpoint} opened read-only, as the source of {@link
 * StateTable#copyGroupFrom}: when a key group must go back to the state of the last checkpoint
 * while the other groups keep theirs (a reset after a fence), the group is copied from here.
 *
 * <p>Nothing in the checkpoint's directory is modified or added: RocksDB opens it read-only and
 * its info log goes to a logger in memory (otherwise RocksDB would create a LOG file there).
 *
 * <p>Open with {@link StateStore#openReadOnly}; close it (idempotent) to free its native handles.
 * Not used concurrently with its own {@link #close()}.
 */
public final class ReadOnlyStateStore implements AutoCloseable {
  private final Path dir;
  private final DBOptions dbOptions;
  private final ColumnFamilyOptions cfOptions;
  private final Logger logger;
  private final RocksDB db;
  private final Map<String, ColumnFamilyHandle> handles;
  private final Map<String, Integer> recordedTables;
  /** The checkpoint's {@link DirtyEntriesFile} by column family name, read when first needed. */
  private Map<String, SerializedEntries> dirtyEntries;
  private boolean closed;

  private ReadOnlyStateStore(Path dir, DBOptions dbOptions, ColumnFamilyOptions cfOptions, Logger logger, RocksDB db,
      Map<String, ColumnFamilyHandle> handles, Map<String, Integer> recordedTables) {
    this.dir = dir;
    this.dbOptions = dbOptions;
    this.cfOptions = cfOptions;
    this.logger = logger;
    this.db = db;
    this.handles = handles;
    this.recordedTables = recordedTables;
  }

  static ReadOnlyStateStore open(Path checkpointDir) {
    if (!Files.isRegularFile(checkpointDir.resolve("CURRENT"))) {
      throw new StateStoreException("Error opening state checkpoint " + checkpointDir
          + " read-only: not a state checkpoint (no CURRENT file)");
    }
    List<AutoCloseable> made = new ArrayList<>();
    List<ColumnFamilyHandle> handleList = new ArrayList<>();
    try {
      Logger logger = new Logger(InfoLogLevel.ERROR_LEVEL) {
        @Override
        protected void log(InfoLogLevel level, String message) {
          // RocksDB's own chatter; failures surface as exceptions of the calls
        }
      };
      made.add(logger);
      DBOptions dbOptions = new DBOptions().setLogger(logger);
      made.add(dbOptions);
      ColumnFamilyOptions cfOptions = new ColumnFamilyOptions();
      made.add(cfOptions);
      List<String> names = StateStore.existingColumnFamilies(checkpointDir);
      List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
      for (String n : names) {
        descriptors.add(new ColumnFamilyDescriptor(n.getBytes(StandardCharsets.UTF_8), cfOptions));
      }
      RocksDB db = RocksDB.openReadOnly(dbOptions, checkpointDir.toAbsolutePath().toString(), descriptors, handleList);
      Map<String, ColumnFamilyHandle> handles = new LinkedHashMap<>();
      for (int i = 0; i < names.size(); i++) {
        handles.put(names.get(i), handleList.get(i));
      }
      ColumnFamilyHandle meta = handles.get(StateStore.META_CF);
      Map<String, Integer> recorded = meta == null ? Map.of() : StateStore.readMeta(db, meta);
      return new ReadOnlyStateStore(checkpointDir, dbOptions, cfOptions, logger, db, handles, recorded);
    } catch (RocksDBException | RuntimeException e) {
      List<AutoCloseable> toClose = new ArrayList<>(handleList);
      Collections.reverse(made);
      toClose.addAll(made);
      try {
        Closer.closeAll("state checkpoint " + checkpointDir + " after a failed read-only open", toClose);
      } catch (StateStoreException closeFailure) {
        e.addSuppressed(closeFailure);
      }
      throw new StateStoreException("Error opening state checkpoint " + checkpointDir + " read-only", e);
    }
  }

  /** @return the ids of the tables the checkpoint holds */
  public Set<String> tableNames() {
    return Collections.unmodifiableSet(new TreeSet<>(recordedTables.keySet()));
  }

  /** @return the number of partitions table {@code id} has in the checkpoint, or empty if none */
  public OptionalInt recordedPartitions(String id) {
    Integer n = recordedTables.get(id);
    return n == null ? OptionalInt.empty() : OptionalInt.of(n);
  }

  /** @return the checkpoint's directory */
  public Path dir() {
    return dir;
  }

  RocksDB db() {
    checkOpen();
    return db;
  }

  /** @return the column family named {@code name}, or null if the checkpoint has none */
  ColumnFamilyHandle columnFamily(String name) {
    checkOpen();
    return handles.get(name);
  }

  /**
   * @return the entries of column family {@code name} that the checkpoint holds beside RocksDB's
   *     copy ({@link DirtyEntriesFile}), applied over it; null if none
   * @throws StateStoreException if that file is damaged or of another version
   */
  synchronized SerializedEntries dirtyEntries(String name) {
    checkOpen();
    if (dirtyEntries == null) {
      dirtyEntries = DirtyEntriesFile.read(dir);
    }
    return dirtyEntries.get(name);
  }

  private void checkOpen() {
    if (closed) {
      throw new StateStoreClosedException("State checkpoint " + dir + " (read-only) is closed");
    }
  }

  /** Frees the native handles: the column families before the database, the options after it. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<AutoCloseable> order = new ArrayList<>(handles.values());
    order.add(db::closeE);
    order.add(dbOptions);
    order.add(cfOptions);
    order.add(logger);
    Closer.closeAll("state checkpoint " + dir + " (read-only)", order);
  }
}
