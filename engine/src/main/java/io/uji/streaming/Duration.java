package io.uji.streaming;

/**
 * A length of time in milliseconds: batch intervals, window lengths and slides, timeouts.
 * Immutable; equal when the milliseconds are, ordered by them. Spark's {@code
 * org.apache.spark.streaming.Duration}.
 *
 * @param milliseconds the length (may be zero or negative; callers validate)
 */
public record Duration(long milliseconds) implements Comparable<Duration> {

  /** @return a duration of {@code millis} milliseconds (may be zero or negative; callers validate) */
  public static Duration ofMillis(long millis) {
    return new Duration(millis);
  }

  /**
   * @param duration a {@code java.time.Duration} of whole milliseconds
   * @return the same length as a Uji duration (may be zero or negative; callers validate)
   * @throws IllegalArgumentException if {@code duration} has a fraction of a millisecond: batch
   *     times are counted in milliseconds, and rounding would change the program silently
   * @throws ArithmeticException if it does not fit in a long of milliseconds
   * @throws NullPointerException if {@code duration} is null
   */
  public static Duration of(java.time.Duration duration) {
    if (duration.getNano() % 1_000_000 != 0) {
      throw new IllegalArgumentException("Durations are whole milliseconds; " + duration + " is not");
    }
    return new Duration(duration.toMillis());
  }

  /** @return this length as a {@code java.time.Duration} */
  public java.time.Duration toJavaDuration() {
    return java.time.Duration.ofMillis(milliseconds);
  }

  /** @throws ArithmeticException if the sum overflows a long */
  public Duration plus(Duration other) {
    return new Duration(Math.addExact(milliseconds, other.milliseconds));
  }

  /** @throws ArithmeticException if the difference overflows a long */
  public Duration minus(Duration other) {
    return new Duration(Math.subtractExact(milliseconds, other.milliseconds));
  }

  /** @throws ArithmeticException if the product overflows a long */
  public Duration times(int factor) {
    return new Duration(Math.multiplyExact(milliseconds, factor));
  }

  /**
   * @return how many times {@code other} fits into this duration
   * @throws ArithmeticException if {@code other} is zero
   */
  public long div(Duration other) {
    return milliseconds / other.milliseconds;
  }

  /** @return true if this duration is a whole multiple of {@code other}, which is not zero */
  public boolean isMultipleOf(Duration other) {
    return other.milliseconds != 0 && milliseconds % other.milliseconds == 0;
  }

  /** @return true if this duration is zero milliseconds long */
  public boolean isZero() {
    return milliseconds == 0;
  }

  /** @return true if strictly positive */
  public boolean isPositive() {
    return milliseconds > 0;
  }

  @Override
  public int compareTo(Duration o) {
    return Long.compare(milliseconds, o.milliseconds);
  }

  /**
   * Pinned to {@code Long.hashCode} (what a record's hash is today, but not by contract): a
   * duration used as a key is hash-partitioned, and its keyed state must find the same
   * partitions after an upgrade.
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
