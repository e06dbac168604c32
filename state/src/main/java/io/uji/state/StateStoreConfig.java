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
 * @param compaction RocksDB's compaction style for the store's tables (default {@link
 *     Compaction#LEVELED})
 */
public record StateStoreConfig(
    Path dir,
    long memoryBudgetBytes,
    double writeBufferRatio,
    long cacheEntriesPerTable,
    int maxOpenFiles,
    Compaction compaction) {

  public static final long DEFAULT_MEMORY_BUDGET_BYTES = 256L << 20;
  public static final double DEFAULT_WRITE_BUFFER_RATIO = 0.5;
  public static final long DEFAULT_CACHE_ENTRIES_PER_TABLE = 1L << 20;
  public static final int DEFAULT_MAX_OPEN_FILES = 1024;
  public static final Compaction DEFAULT_COMPACTION = Compaction.LEVELED;

  /** @throws IllegalArgumentException if a value is out of range */
  public StateStoreConfig {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(compaction, "compaction");
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
    return builder().dir(dir).build();
  }

  /** @return a builder holding the defaults; the directory must be set */
  public static Builder builder() {
    return new Builder();
  }

  /** @return a builder holding this configuration's values */
  public Builder toBuilder() {
    return new Builder()
        .dir(dir)
        .memoryBudgetBytes(memoryBudgetBytes)
        .writeBufferRatio(writeBufferRatio)
        .cacheEntriesPerTable(cacheEntriesPerTable)
        .maxOpenFiles(maxOpenFiles)
        .compaction(compaction);
  }

  /** @throws NullPointerException if {@code newDir} is null */
  public StateStoreConfig withDir(Path newDir) {
    return toBuilder().dir(newDir).build();
  }

  /** @throws IllegalArgumentException if out of range */
  public StateStoreConfig withMemoryBudgetBytes(long bytes) {
    return toBuilder().memoryBudgetBytes(bytes).build();
  }

  /** @throws IllegalArgumentException if out of range */
  public StateStoreConfig withWriteBufferRatio(double ratio) {
    return toBuilder().writeBufferRatio(ratio).build();
  }

  /** @throws IllegalArgumentException if out of range */
  public StateStoreConfig withCacheEntriesPerTable(long entries) {
    return toBuilder().cacheEntriesPerTable(entries).build();
  }

  /** @throws IllegalArgumentException if out of range */
  public StateStoreConfig withMaxOpenFiles(int files) {
    return toBuilder().maxOpenFiles(files).build();
  }

  /** @throws NullPointerException if {@code style} is null */
  public StateStoreConfig withCompaction(Compaction style) {
    return toBuilder().compaction(style).build();
  }

  /**
   * Collects the values of a {@link StateStoreConfig}, starting from the defaults; {@link
   * #build()} checks them. Each setter names a component of the record (see there).
   */
  public static final class Builder {
    private Path dir;
    private long memoryBudgetBytes = DEFAULT_MEMORY_BUDGET_BYTES;
    private double writeBufferRatio = DEFAULT_WRITE_BUFFER_RATIO;
    private long cacheEntriesPerTable = DEFAULT_CACHE_ENTRIES_PER_TABLE;
    private int maxOpenFiles = DEFAULT_MAX_OPEN_FILES;
    private Compaction compaction = DEFAULT_COMPACTION;

    private Builder() {}

    public Builder dir(Path dir) {
      this.dir = dir;
      return this;
    }

    public Builder memoryBudgetBytes(long bytes) {
      this.memoryBudgetBytes = bytes;
      return this;
    }

    public Builder writeBufferRatio(double ratio) {
      this.writeBufferRatio = ratio;
      return this;
    }

    public Builder cacheEntriesPerTable(long entries) {
      this.cacheEntriesPerTable = entries;
      return this;
    }

    public Builder maxOpenFiles(int files) {
      this.maxOpenFiles = files;
      return this;
    }

    public Builder compaction(Compaction style) {
      this.compaction = style;
      return this;
    }

    /**
     * @return the configuration
     * @throws NullPointerException if no directory or compaction style was set
     * @throws IllegalArgumentException if a value is out of range
     */
    public StateStoreConfig build() {
      return new StateStoreConfig(dir, memoryBudgetBytes, writeBufferRatio, cacheEntriesPerTable, maxOpenFiles,
          compaction);
    }
  }
}
