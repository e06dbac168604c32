package io.uji.streaming;

/**
 * A batch time: milliseconds since the epoch of the context's {@link Clock}. Immutable; equal
 * when the milliseconds are, ordered by them. Spark's {@code org.apache.spark.streaming.Time}.
 *
 * @param milliseconds the time
 */
public record Time(long milliseconds) implements Comparable<Time> {

  public Time plus(Duration d) {
    return new Time(milliseconds + d.milliseconds());
  }

  public Time minus(Duration d) {
    return new Time(milliseconds - d.milliseconds());
  }

  /** @return the duration from {@code earlier} to this time */
  public Duration minus(Time earlier) {
    return Duration.ofMillis(milliseconds - earlier.milliseconds);
  }

  /** @return true if this time is a whole multiple of {@code d}, which is not zero */
  public boolean isMultipleOf(Duration d) {
    return d.milliseconds() != 0 && milliseconds % d.milliseconds() == 0;
  }

  /**
   * @return the latest multiple of {@code d} not after this time
   * @throws ArithmeticException if {@code d} is zero
   */
  public Time floor(Duration d) {
    return new Time(Math.floorDiv(milliseconds, d.milliseconds()) * d.milliseconds());
  }

  public boolean isBefore(Time o) {
    return milliseconds < o.milliseconds;
  }

  public boolean isAfter(Time o) {
    return milliseconds > o.milliseconds;
  }

  @Override
  public int compareTo(Time o) {
    return Long.compare(milliseconds, o.milliseconds);
  }

  /**
   * Pinned to {@code Long.hashCode} (what a record's hash is today, but not by contract): a time
   * used as a key is hash-partitioned, and its keyed state must find the same partitions after
   * an upgrade.
   */
  @Override
  public int hashCode() {
    return Long.hashCode(milliseconds);
  }

  @Override
  public String toString() {
    return milliseconds + " ms";
  }
}
