package io.uji.checkpoint;

/** What opening a log found at the end of its last segment. */
public enum RecoveryOutcome {
  /** Every byte belongs to a valid record. */
  CLEAN,
  /**
   * The last segment ended inside a record (short read, CRC mismatch or zeros with no valid
   * record after them): a write torn by a crash. The tail was truncated to the last good record.
   */
  TORN_TAIL_TRUNCATED,
  /** Invalid bytes followed by valid records, or damage before the last segment's tail. */
  CORRUPTED
}
