package io.uji.state;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of a {@link StateStore} as of one batch boundary, taken by {@link
 * StateStore#beginCheckpoint} and not yet written: the dirty cache entries of that moment, their
 * values serialized (a later batch may change a state object in place), their keys by reference
 * (keys never change) until they are written. {@link #writeTo} writes them into the live database and makes the RocksDB
 * checkpoint (sorting and encoding them first), on whatever thread the owner chooses, while the partitions serve later batches.
 * The partitions whose dirty entries were mostly written since the last checkpoint ({@link
 * StatePartition#keepsDirtyAtCheckpoint}) are not written into RocksDB: a copy of their dirty
 * entries goes to the checkpoint's {@link DirtyEntriesFile} beside RocksDB's files, and they
 * stay dirty in the cache (a memory copy and a sequential write instead of memtable inserts, a
 * flush and compactions).
 *
 * <p>Why this is consistent although later batches keep running: until the captured entries
 * and the checkpoint's hard links are done, every partition write (eviction, flush, time index)
 * waits, so RocksDB holds exactly the boundary's state when the checkpoint is linked; reads need
 * no wait, because an entry captured clean stays in the cache until then.
 *
 * <p>Must be written exactly once; until then later writes of the store's partitions block.
 */
public final class StateSnapshot {
  private static final Logger LOG = LoggerFactory.getLogger(StateSnapshot.class);

  private final StateStore store;
  private final List<SerializedEntries> captured;
  /** Entries that stay dirty in the cache, written to the checkpoint's {@link DirtyEntriesFile}. */
  private final List<SerializedEntries> copied;
  private final Map<Integer, String> cfNames;
  private final List<ColumnFamilyHandle> columnFamilies;
  private final CompletableFuture<Void> writes;
  private final long captureNanos;
  private final AtomicBoolean written = new AtomicBoolean();

  StateSnapshot(StateStore store, List<SerializedEntries> captured, List<SerializedEntries> copied,
      Map<Integer, String> cfNames, List<ColumnFamilyHandle> columnFamilies, CompletableFuture<Void> writes,
      long captureNanos) {
    this.store = store;
    this.captured = captured;
    this.copied = copied;
    this.cfNames = cfNames;
    this.columnFamilies = columnFamilies;
    this.writes = writes;
    this.captureNanos = captureNanos;
  }

  /** @return how long taking the entries took, in milliseconds (the synchronous part) */
  private long captureMillis() {
    return captureNanos / 1_000_000;
  }

  /**
   * Writes the captured entries into the live database, flushes the memtables and creates a
   * RocksDB checkpoint in {@code target} (hard links to the SST files). Then the partitions'
   * writes may go on. If the captured entries cannot be written, the store becomes unusable
   * (its cache marked them clean) and every later write fails with a {@link
   * StateStoreException}; if only the checkpoint fails (for example a full disk), the store
   * stays consistent and usable.
   *
   * @param target a directory that must not exist; its parent is created if missing
   * @return the database's sequence number in the checkpoint ({@link StateStore#latestSequenceNumber()}
   *     of a store restored from it): part of the checkpoint's identity, checked on restore
   * @throws IllegalStateException if called a second time
   * @throws StateStoreException if {@code target} exists or writing fails
   * @throws StateStoreClosedException if the store was closed
   */
  public long writeTo(Path target) {
    if (!written.compareAndSet(false, true)) {
      throw new IllegalStateException("This state snapshot was already written");
    }
    long start = System.nanoTime();
    try {
      store.enter(null);
    } catch (RuntimeException e) {
      writes.completeExceptionally(e);
      throw e;
    }
    long entriesWritten;
    long sequence;
    int entries = 0;
    try {
      try {
        for (int i = 0; i < captured.size(); i++) {
          // Let go of each partition's buffers once written, not after the last partition.
          SerializedEntries e = captured.set(i, null);
          entries += e.size();
          e.encode(b -> store.writeEncoded(b, "checkpoint", null));
        }
        captured.clear();
      } catch (RuntimeException | Error e) {
        writes.completeExceptionally(e);
        throw e;
      }
      entriesWritten = System.nanoTime();
      try {
        sequence = store.flushAndLink(columnFamilies, target);
      } catch (RocksDBException | IOException e) {
        throw new StateStoreException("Error creating checkpoint of state store " + store.name() + " in " + target, e);
      }
    } finally {
      writes.complete(null); // no effect if it failed above
      store.exit();
    }
    long linked = System.nanoTime();
    // The copied entries are the cache's, which later batches do not change in these buffers:
    // written after the partitions' writes were let go again.
    int copiedEntries = 0;
    long fileBytes = 0;
    if (!copied.isEmpty()) {
      for (SerializedEntries e : copied) {
        copiedEntries += e.size();
      }
      try {
        fileBytes = DirtyEntriesFile.write(target, copied, cfNames);
      } catch (IOException | RuntimeException e) {
        throw new StateStoreException("Error creating checkpoint of state store " + store.name() + " in " + target
            + ": cannot write " + DirtyEntriesFile.NAME, e);
      } finally {
        copied.clear();
      }
    }
    long end = System.nanoTime();
    LOG.info("Checkpoint of state store {} in {}: capture {} ms on the batch thread; then {} entries into RocksDB {} ms,"
        + " memtables and links {} ms, {} entries kept dirty to {} ({} bytes) {} ms",
        store.name(), target, captureMillis(), entries, (entriesWritten - start) / 1_000_000,
        (linked - entriesWritten) / 1_000_000, copiedEntries, DirtyEntriesFile.NAME, fileBytes, (end - linked) / 1_000_000);
    return sequence;
  }
}
