package io.uji.state;

import java.util.ArrayList;
import java.util.List;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompactionOptionsUniversal;
import org.rocksdb.CompactionStyle;
import org.rocksdb.CompressionType;
import org.rocksdb.DataBlockIndexType;
import org.rocksdb.DBOptions;
import org.rocksdb.IndexType;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.WriteBufferManager;
import org.rocksdb.WriteOptions;

/**
 * The long-lived RocksDB option objects of one store, built from a {@link StateStoreConfig}.
 * Owned by the {@link StateStore}, which closes them after the database.
 *
 * <p>Memory: one {@link LRUCache} of {@code memoryBudgetBytes} holds data, index and filter
 * blocks ({@code cacheIndexAndFilterBlocks}), and a {@link WriteBufferManager} charges the
 * memtables of every column family to that same cache, so blocks and memtables share one budget.
 */
final class NativeOptions implements AutoCloseable {
  private static final int NUM_LEVELS = 7;

  final LRUCache cache;
  final WriteBufferManager writeBufferManager;
  final BloomFilter bloomFilter;
  final DBOptions dbOptions;
  final ColumnFamilyOptions cfOptions;
  final CompactionOptionsUniversal compactionOptions;
  /** No WAL, no sync: the live database is rebuilt from a checkpoint after a crash. */
  final WriteOptions writeOptions;

  NativeOptions(StateStoreConfig config) {
    long budget = config.memoryBudgetBytes();
    long writeBuffers = (long) (budget * config.writeBufferRatio());
    List<AutoCloseable> made = new ArrayList<>();
    try {
      // 30% of the cache is reserved (high priority) for index and filter blocks, so a scan or
      // a stream of random lookups of data blocks cannot push them out: with state bigger than
      // the heap most lookups are for absent keys, answered by the filters alone.
      cache = add(made, new LRUCache(budget, -1, false, 0.3));
      writeBufferManager = add(made, new WriteBufferManager(writeBuffers, cache));
      bloomFilter = add(made, new BloomFilter(10, false));

      dbOptions = add(made, new DBOptions());
      dbOptions
          .setCreateIfMissing(true)
          .setCreateMissingColumnFamilies(true)
          .setMaxBackgroundJobs(2)
          .setMaxOpenFiles(config.maxOpenFiles())
          .setWriteBufferManager(writeBufferManager)
          .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
          .setMaxLogFileSize(4L << 20)
          .setKeepLogFileNum(2)
          .setStatsDumpPeriodSec(0);

      // Partitioned index and filters: a lookup loads a 4 KiB partition of a file's index and
      // filter, not the whole (a 64 MiB file's filter is ~1 MiB). With whole blocks in a cache
      // smaller than the state's index and filters, every lookup that missed them re-read a
      // megabyte: 5 M users behind a 64 MiB budget spent a third of their CPU time copying
      // filter blocks from the page cache, and 20 M users a 256 MiB budget the same (see
      // docs/PERFORMANCE.md, "RocksDB options one by one"). The top level stays pinned.
      BlockBasedTableConfig table = new BlockBasedTableConfig()
          .setBlockCache(cache)
          .setBlockSize(8 << 10)
          .setCacheIndexAndFilterBlocks(true)
          .setCacheIndexAndFilterBlocksWithHighPriority(true)
          .setPinL0FilterAndIndexBlocksInCache(true)
          .setIndexType(IndexType.kTwoLevelIndexSearch)
          .setPartitionFilters(true)
          .setMetadataBlockSize(4096)
          .setPinTopLevelIndexAndFilter(true)
          .setFilterPolicy(bloomFilter);
      // A hash index in each data block: a point lookup finds its key in the block with one hash
      // probe instead of a binary search over the restart points (about 1 byte per key).
      table.setDataBlockIndexType(DataBlockIndexType.kDataBlockBinaryAndHash)
          .setDataBlockHashTableUtilRatio(0.75);

      // Memtables: a few per column family, bounded overall by the write buffer manager.
      long writeBufferSize = Math.max(2L << 20, Math.min(64L << 20, writeBuffers / 4));
      cfOptions = add(made, new ColumnFamilyOptions());
      cfOptions
          .setTableFormatConfig(table)
          .setWriteBufferSize(writeBufferSize)
          .setMaxWriteBufferNumber(3)
          .setNumLevels(NUM_LEVELS)
          // No compression: state entries are small and read at random, one block per lookup, so
          // decompressing a block per lookup cost more than the disk it saves (20 M users: batch
          // times 2-3x lower without it).
          .setCompressionType(CompressionType.NO_COMPRESSION)
          .setBottommostCompressionType(CompressionType.NO_COMPRESSION)
          .setOptimizeFiltersForHits(false);
      compactionOptions = add(made, compaction(config.compaction(), cfOptions));
      // A whole-key Bloom filter in each memtable (a tenth of its size, part of the memtable's
      // memory and so of the budget): most keys a batch reads are in no memtable, and without it
      // each lookup searched every memtable's skip list (its comparisons were among the largest
      // native costs of multiGet with 20 M users; with the filter and the hash index ~6% less
      // process CPU, docs/PERFORMANCE.md).
      cfOptions.setMemtablePrefixBloomSizeRatio(0.1).setMemtableWholeKeyFiltering(true);

      writeOptions = add(made, new WriteOptions());
      writeOptions.setDisableWAL(true).setSync(false);
    } catch (RuntimeException | Error e) {
      closeQuietly(made, e);
      throw e;
    }
  }

  /**
   * Sets {@code style} on {@code cf}; returns the universal style's options object, which {@code
   * cf} refers to and which must live as long (an empty placeholder for leveled, so that there is
   * always one object to close).
   */
  private static CompactionOptionsUniversal compaction(Compaction style, ColumnFamilyOptions cf) {
    CompactionOptionsUniversal universal = new CompactionOptionsUniversal();
    switch (style) {
      case LEVELED -> cf.setCompactionStyle(CompactionStyle.LEVEL).setLevelCompactionDynamicLevelBytes(true);
      case UNIVERSAL -> {
        // RocksDB's default bound: a full merge once the newer runs exceed twice the last one.
        universal.setMaxSizeAmplificationPercent(200);
        cf.setCompactionStyle(CompactionStyle.UNIVERSAL).setCompactionOptionsUniversal(universal);
      }
    }
    return universal;
  }

  private static <T extends AutoCloseable> T add(List<AutoCloseable> made, T resource) {
    made.add(resource);
    return resource;
  }

  private static void closeQuietly(List<AutoCloseable> made, Throwable cause) {
    for (int i = made.size() - 1; i >= 0; i--) {
      try {
        made.get(i).close();
      } catch (Exception e) {
        cause.addSuppressed(e);
      }
    }
  }

  /**
   * Closes the options after the database that used them: options hold references to the
   * write buffer manager, the filter, the cache and the universal compaction options, and the
   * write buffer manager charges the cache, so the order is options, compaction options, filter,
   * write buffer manager, cache.
   */
  @Override
  public void close() {
    Closer.closeAll(
        "RocksDB options",
        List.of(writeOptions, cfOptions, dbOptions, compactionOptions, bloomFilter, writeBufferManager, cache));
  }
}
