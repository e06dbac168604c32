package io.uji.streaming;

/** Factory methods for {@link Duration}, as in Spark's {@code Durations}. */
public final class Durations {
  private Durations() {}

  /**
   * @param millis the length in milliseconds
   * @return a duration of {@code millis} milliseconds; the same as {@link Duration#ofMillis}
   */
  public static Duration milliseconds(long millis) {
    return Duration.ofMillis(millis);
  }

  /**
   * @param seconds the length in seconds
   * @return a duration of {@code seconds} seconds
   * @throws ArithmeticException if the length in milliseconds overflows a {@code long}
   */
  public static Duration seconds(long seconds) {
    return Duration.ofMillis(Math.multiplyExact(seconds, 1000L));
  }

  /**
   * @param minutes the length in minutes
   * @return a duration of {@code minutes} minutes
   * @throws ArithmeticException if the length in milliseconds overflows a {@code long}
   */
  public static Duration minutes(long minutes) {
    return Duration.ofMillis(Math.multiplyExact(minutes, 60_000L));
  }
}
