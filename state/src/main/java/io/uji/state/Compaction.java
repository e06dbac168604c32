package io.uji.state;

/**
 * How RocksDB compacts a store's tables (its compaction style). A store's tables all use the
 * one style of its {@link StateStoreConfig}; a checkpoint may be restored under either style.
 */
public enum Compaction {
  /**
   * Leveled (RocksDB's default, and the store's): a key moves down level by level, rewritten on
   * each; the least space (~1.1× the live data) and the fewest files a lookup may visit.
   */
  LEVELED,
  /**
   * Universal (tiered): sorted runs are merged when their sizes call for it, so a key is
   * rewritten fewer times. State whose every key is rewritten often (every key read is written
   * back at eviction) spent 0.74–0.95× the compaction CPU and 0.87–0.99× the process CPU of
   * leveled in session-count-large (docs/PERFORMANCE.md). In exchange a full merge rewrites the
   * whole table when the runs exceed twice the last one (up to ~3× the live data on disk for a
   * while), and the next checkpoint shares none of its files with the one before (the same
   * checkpoint time: files are linked, not copied; more disk kept by retained checkpoints).
   */
  UNIVERSAL
}
