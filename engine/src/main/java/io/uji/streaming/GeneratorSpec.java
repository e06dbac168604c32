package io.uji.streaming;

import java.util.function.LongFunction;

/**
 * A deterministic generator source (the Spark notebook's dummy source): event {@code i} is
 * {@code eventAt.apply(i)}, for {@code i = 0, 1, 2, ...}.
 *
 * @param eventAt the event with a given number; must be a pure function (replay calls it again)
 * @param ratePerSecond events per second, or 0 for as fast as the engine goes
 * @param maxEventsPerBatch the most events one batch takes (with rate 0: exactly this many while
 *     events remain)
 * @param totalEvents how many events in all, or -1 for an endless stream
 */
public record GeneratorSpec<T>(LongFunction<T> eventAt, long ratePerSecond, long maxEventsPerBatch, long totalEvents) {
  public GeneratorSpec {
    if (eventAt == null) {
      throw new IllegalArgumentException("eventAt must be given");
    }
    if (ratePerSecond < 0) {
      throw new IllegalArgumentException("ratePerSecond must be >= 0 (0 = as fast as possible), got " + ratePerSecond);
    }
    if (maxEventsPerBatch <= 0) {
      throw new IllegalArgumentException("maxEventsPerBatch must be positive, got " + maxEventsPerBatch);
    }
    if (totalEvents < -1) {
      throw new IllegalArgumentException("totalEvents must be >= 0, or -1 for endless, got " + totalEvents);
    }
  }

  /** @return a generator of {@code ratePerSecond} events per second, endless */
  public static <T> GeneratorSpec<T> atRate(LongFunction<T> eventAt, long ratePerSecond) {
    return new GeneratorSpec<>(eventAt, ratePerSecond, Long.MAX_VALUE, -1);
  }

  /** @return a generator of {@code eventsPerBatch} events per batch, as fast as the engine goes */
  public static <T> GeneratorSpec<T> perBatch(LongFunction<T> eventAt, long eventsPerBatch) {
    return new GeneratorSpec<>(eventAt, 0, eventsPerBatch, -1);
  }

  /** @return this generator stopping after {@code n} events */
  public GeneratorSpec<T> limit(long n) {
    return new GeneratorSpec<>(eventAt, ratePerSecond, maxEventsPerBatch, n);
  }
}
