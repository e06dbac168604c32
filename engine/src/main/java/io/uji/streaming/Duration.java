package io.uji.streaming;

/**
 * A length of time in milliseconds: batch intervals, window lengths and slides, timeouts.
 * Immutable. Spark's {@code org.apache.spark.streaming.Duration}.
 */
public final class Duration implements Comparable<Duration> {
  private final long millis;

  Duration(long millis) {
    this.millis = millis;
  }

  /** @return a duration of {@code millis} milliseconds (may be zero or negative; callers validate) */
  public static Duration ofMillis(long millis) {
    return new Duration(millis);
  }

  public long milliseconds() {
    return millis;
  }

  public Duration plus(Duration other) {
    return new Duration(Math.addExact(millis, other.millis));
  }

  public Duration minus(Duration other) {
    return new Duration(Math.subtractExact(millis, other.millis));
  }

  public Duration times(int factor) {
    return new Duration(Math.multiplyExact(millis, factor));
  }

  /** @return how many times {@code other} fits into this duration */
  public long div(Duration other) {
    return millis / other.millis;
  }

  /** @return true if this duration is a whole, non-zero-divisor multiple of {@code other} */
  public boolean isMultipleOf(Duration other) {
    return other.millis != 0 && millis % other.millis == 0;
  }

  public boolean isZero() {
    return millis == 0;
  }

  /** @return true if strictly positive */
  public boolean isPositive() {
    return millis > 0;
  }

  @Override
  public int compareTo(Duration o) {
    return Long.compare(millis, o.millis);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Duration d && d.millis == millis;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(millis);
  }

  @Override
  public String toString() {
    return millis + " ms";
  }
}
