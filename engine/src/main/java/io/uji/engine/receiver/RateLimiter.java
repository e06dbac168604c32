package io.uji.engine.receiver;

import java.util.function.BooleanSupplier;

/**
 * Limits a receiver to {@code ratePerSecond} records per second by making {@code store} wait:
 * each call reserves the next free time slot for its records and waits until the slot starts.
 * An idle receiver builds up no credit, so bursts are at most one call's records.
 */
final class RateLimiter {
  private static final long MAX_PARK_NANOS = 50_000_000L;
  private final long ratePerSecond;
  private final Ticker ticker;
  private long nextFreeNanos;

  /**
   * @param ratePerSecond records per second, or 0 for no limit
   * @param ticker the time source ({@link Ticker#SYSTEM} but in tests)
   */
  RateLimiter(long ratePerSecond, Ticker ticker) {
    this.ratePerSecond = ratePerSecond;
    this.ticker = ticker;
    this.nextFreeNanos = ticker.nanoTime();
  }

  /**
   * Waits until {@code n} more records fit under the rate; returns early if interrupted or when
   * {@code cancelled} becomes true (checked every 50 ms: a throttled receiver must not outlive
   * the context's stop).
   */
  void acquire(int n, BooleanSupplier cancelled) {
    if (ratePerSecond <= 0) {
      return;
    }
    long slotStart;
    synchronized (this) {
      slotStart = Math.max(nextFreeNanos, ticker.nanoTime());
      nextFreeNanos = slotStart + n * 1_000_000_000L / ratePerSecond;
    }
    long now;
    while ((now = ticker.nanoTime()) < slotStart && !Thread.currentThread().isInterrupted()
        && !cancelled.getAsBoolean()) {
      ticker.park(Math.min(slotStart - now, MAX_PARK_NANOS));
    }
  }
}
