package io.uji.streaming;

import java.util.Objects;

/**
 * What one SQL query ({@link StreamingContext#sql}, the status page's SQL box) may use.
 *
 * @param timeout a query still running after this is interrupted (default 30 s)
 * @param maxRows rows returned at most; more are cut off and the result says so (default 10,000)
 * @param memoryBytes memory the SQL engine may use, off the Java heap (default 512 MiB); a query
 *     needing more fails
 * @param threads threads a query may use (default 1: the batches keep the cores)
 */
public record SqlLimits(Duration timeout, int maxRows, long memoryBytes, int threads) {
  /**
   * Checks and holds the limits.
   *
   * @throws NullPointerException if {@code timeout} is null
   * @throws IllegalArgumentException if the timeout is under 1 s (the SQL engine counts whole
   *     seconds), {@code maxRows} or {@code threads} is not positive, or {@code memoryBytes} is
   *     under 16 MiB
   */
  public SqlLimits {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.milliseconds() < 1000) {
      throw new IllegalArgumentException("The SQL timeout must be at least 1 s (the engine counts whole seconds), got "
          + timeout);
    }
    if (maxRows <= 0 || memoryBytes < (16L << 20) || threads <= 0) {
      throw new IllegalArgumentException("SQL limits need maxRows > 0, memoryBytes >= 16 MiB and threads > 0, got "
          + maxRows + ", " + memoryBytes + ", " + threads);
    }
  }

  /** @return 30 s, 10,000 rows, 512 MiB, 1 thread */
  public static SqlLimits defaults() {
    return new SqlLimits(Durations.seconds(30), 10_000, 512L << 20, 1);
  }
}
