package io.uji.streaming;

/**
 * A batch time: milliseconds since the epoch of the context's {@link Clock}. Immutable; equal
 * when the milliseconds are, ordered by them. Spark's {@code org.apache.spark.streaming.Time}.
 *
 * @param milliseconds the time
 */
public record Time(long milliseconds) implements Comparable<Time> {

  /**
   * The time {@code d} after this one. Spark's {@code Time.+}.
   *
   * @param d the duration to add (may be negative)
   * @return a new time; this one is unchanged
   */
  public Time plus(Duration d) {
    return new Time(milliseconds + d.milliseconds());
  }

  /**
   * The time {@code d} before this one, as the start of a window ending at this batch time.
   * Spark's {@code Time.-(Duration)}.
   *
   * @param d the duration to subtract (may be negative)
   * @return a new time; this one is unchanged
   */
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

  /**
   * Whether this time is strictly earlier. Spark's {@code Time.<}.
   *
   * @param o the time to compare with
   * @return true if this time's milliseconds are smaller than {@code o}'s
   */
  public boolean isBefore(Time o) {
    return milliseconds < o.milliseconds;
  }

  /**
   * Whether this time is strictly later. Spark's {@code Time.>}.
   *
   * @param o the time to compare with
   * @return true if this time's milliseconds are greater than {@code o}'s
   */
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
