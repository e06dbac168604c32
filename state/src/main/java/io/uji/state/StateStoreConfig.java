package io.uji.state;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Configuration of a {@link StateStore}.
 *
 * @param dir the live RocksDB directory (created if missing); it is not the durable copy of the
 *     state, checkpoints are
 * @param memoryBudgetBytes the one native memory budget of the store: the shared block cache,
 *     which is also charged for the memtables (see {@link StateStore#nativeMemoryUsage()})
 * @param writeBufferRatio the share of {@code memoryBudgetBytes} that memtables may use, in
 *     (0, 1)
 * @param cacheEntriesPerTable the bound of each table's write-back cache on the Java heap, in
 *     entries, split evenly among the table's partitions; enforced at {@link
 *     StatePartition#endBatch()}
 * @param maxOpenFiles RocksDB's bound on open SST files ({@code -1} = unbounded)
 */
public record StateStoreConfig(
    Path dir,
    long memoryBudgetBytes,
    double writeBufferRatio,
    long cacheEntriesPerTable,
    int maxOpenFiles) {

  public static final long DEFAULT_MEMORY_BUDGET_BYTES = 256L << 20;
  public static final double DEFAULT_WRITE_BUFFER_RATIO = 0.5;
  public static final long DEFAULT_CACHE_ENTRIES_PER_TABLE = 1L << 20;
  public static final int DEFAULT_MAX_OPEN_FILES = 1024;

  /** @throws IllegalArgumentException if a value is out of range */
  public StateStoreConfig {
    Objects.requireNonNull(dir, "dir");
    if (memoryBudgetBytes < (8L << 20)) {
      throw new IllegalArgumentException("memoryBudgetBytes must be >= 8 MiB: " + memoryBudgetBytes);
    }
    if (!(writeBufferRatio > 0 && writeBufferRatio < 1)) {
      throw new IllegalArgumentException("writeBufferRatio must be in (0, 1): " + writeBufferRatio);
    }
    if (cacheEntriesPerTable < 1) {
      throw new IllegalArgumentException("cacheEntriesPerTable must be >= 1: " + cacheEntriesPerTable);
    }
    if (maxOpenFiles != -1 && maxOpenFiles < 16) {
      throw new IllegalArgumentException("maxOpenFiles must be -1 or >= 16: " + maxOpenFiles);
    }
  }

  /** @return a configuration with the defaults for everything but the directory */
  public static StateStoreConfig of(Path dir) {
    return new StateStoreConfig(
        dir,
        DEFAULT_MEMORY_BUDGET_BYTES,
        DEFAULT_WRITE_BUFFER_RATIO,
        DEFAULT_CACHE_ENTRIES_PER_TABLE,
        DEFAULT_MAX_OPEN_FILES);
  }

  public StateStoreConfig withDir(Path newDir) {
    return new StateStoreConfig(newDir, memoryBudgetBytes, writeBufferRatio, cacheEntriesPerTable, maxOpenFiles);
  }

  public StateStoreConfig withMemoryBudgetBytes(long bytes) {
    return new StateStoreConfig(dir, bytes, writeBufferRatio, cacheEntriesPerTable, maxOpenFiles);
  }

  public StateStoreConfig withWriteBufferRatio(double ratio) {
    return new StateStoreConfig(dir, memoryBudgetBytes, ratio, cacheEntriesPerTable, maxOpenFiles);
  }

  public StateStoreConfig withCacheEntriesPerTable(long entries) {
    return new StateStoreConfig(dir, memoryBudgetBytes, writeBufferRatio, entries, maxOpenFiles);
  }

  public StateStoreConfig withMaxOpenFiles(int files) {
    return new StateStoreConfig(dir, memoryBudgetBytes, writeBufferRatio, cacheEntriesPerTable, files);
  }
}
