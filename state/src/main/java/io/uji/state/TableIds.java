package io.uji.state;

/**
 * The rule for a table id, which is also the stateful operator's stable id: it names the table's
 * column families ({@code <id>} and {@code <id>.timeouts}) and its entry in checkpoints, so it
 * must not collide with the names the store keeps for itself.
 */
public final class TableIds {
  /** Prefix of the store's own column families ({@code uji.meta}). */
  static final String RESERVED_PREFIX = "uji.";
  /** Suffix of a table's time index column family. */
  static final String TIMEOUTS_SUFFIX = ".timeouts";
  /** RocksDB's default column family. */
  static final String DEFAULT_CF = "default";

  private TableIds() {}

  /**
   * Checks that {@code id} may name a table: not empty, not starting with {@code "uji."}, not
   * ending with {@code ".timeouts"}, not {@code "default"}.
   *
   * @param what what the id names, for the message (e.g. {@code "state table id"})
   * @throws IllegalArgumentException naming {@code what}, the id and the rule it breaks
   */
  public static void check(String id, String what) {
    String problem;
    if (id == null || id.isEmpty()) {
      problem = "it must not be empty";
    } else if (id.startsWith(RESERVED_PREFIX)) {
      problem = "it must not start with '" + RESERVED_PREFIX + "' (reserved for Uji's own column families)";
    } else if (id.endsWith(TIMEOUTS_SUFFIX)) {
      problem = "it must not end with '" + TIMEOUTS_SUFFIX + "' (the suffix of a table's time index)";
    } else if (id.equals(DEFAULT_CF)) {
      problem = "it must not be '" + DEFAULT_CF + "' (RocksDB's default column family)";
    } else {
      return;
    }
    throw new IllegalArgumentException("Invalid " + what + " '" + id + "': " + problem);
  }
}
