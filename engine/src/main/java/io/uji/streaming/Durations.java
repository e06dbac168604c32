package io.uji.streaming;

/** Factory methods for {@link Duration}, as in Spark's {@code Durations}. */
public final class Durations {
  private Durations() {}

  public static Duration milliseconds(long millis) {
    return Duration.ofMillis(millis);
  }

  public static Duration seconds(long seconds) {
    return Duration.ofMillis(Math.multiplyExact(seconds, 1000L));
  }

  public static Duration minutes(long minutes) {
    return Duration.ofMillis(Math.multiplyExact(minutes, 60_000L));
  }
}
