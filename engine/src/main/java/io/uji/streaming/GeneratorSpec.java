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
 * @param identity what makes the events what they are, in your words (e.g. the generator's
 *     parameters: {@code "sessions users=50000"}), or null. A checkpoint directory remembers it:
 *     a program whose generator has another identity is refused, since replaying the directory's
 *     batches with another {@code eventAt} would give other records. Rate, batch size and total
 *     may change between runs; they are not part of it
 */
public record GeneratorSpec<T>(LongFunction<T> eventAt, long ratePerSecond, long maxEventsPerBatch, long totalEvents,
    String identity) {
  /**
   * Checks and holds a generator's description; the stream is made by {@link
   * StreamingContext#generatorStream}.
   *
   * @throws IllegalArgumentException if {@code eventAt} is null, the rate is negative, the batch
   *     size is not positive, or {@code totalEvents} is below -1
   */
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

  /** A generator without an identity (see {@link #withIdentity}). */
  public GeneratorSpec(LongFunction<T> eventAt, long ratePerSecond, long maxEventsPerBatch, long totalEvents) {
    this(eventAt, ratePerSecond, maxEventsPerBatch, totalEvents, null);
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
    return new GeneratorSpec<>(eventAt, ratePerSecond, maxEventsPerBatch, n, identity);
  }

  /** @return this generator with an identity that checkpoint directories check (see {@link #identity()}) */
  public GeneratorSpec<T> withIdentity(String id) {
    return new GeneratorSpec<>(eventAt, ratePerSecond, maxEventsPerBatch, totalEvents, id);
  }
}
