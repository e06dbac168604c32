package io.uji.streaming;

/**
 * How the keyed state's RocksDB tables are compacted ({@link StreamingConfig#stateCompaction()}).
 * A checkpoint taken under one style restores under the other.
 */
public enum StateCompaction {
  /** Leveled, the default: the least disk space and the fewest files a lookup visits. */
  LEVELED,
  /**
   * Universal (tiered): fewer rewrites of each key, for state much larger than the heap cache
   * whose keys are all rewritten often; up to ~3× the live state on disk during a full merge.
   */
  UNIVERSAL
}
