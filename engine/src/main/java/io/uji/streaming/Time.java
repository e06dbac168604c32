package io.uji.streaming;

/**
 * A batch time: milliseconds since the epoch of the context's {@link Clock}. Immutable.
 * Spark's {@code org.apache.spark.streaming.Time}.
 */
public final class Time implements Comparable<Time> {
  private final long millis;

  public Time(long millis) {
    this.millis = millis;
  }

  public long milliseconds() {
    return millis;
  }

  public Time plus(Duration d) {
    return new Time(millis + d.milliseconds());
  }

  public Time minus(Duration d) {
    return new Time(millis - d.milliseconds());
  }

  /** @return the duration from {@code earlier} to this time */
  public Duration minus(Time earlier) {
    return Duration.ofMillis(millis - earlier.millis);
  }

  public boolean isMultipleOf(Duration d) {
    return d.milliseconds() != 0 && millis % d.milliseconds() == 0;
  }

  /** @return the latest multiple of {@code d} not after this time */
  public Time floor(Duration d) {
    return new Time(Math.floorDiv(millis, d.milliseconds()) * d.milliseconds());
  }

  public boolean isBefore(Time o) {
    return millis < o.millis;
  }

  public boolean isAfter(Time o) {
    return millis > o.millis;
  }

  @Override
  public int compareTo(Time o) {
    return Long.compare(millis, o.millis);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Time t && t.millis == millis;
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
