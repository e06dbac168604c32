package io.uji.engine.receiver;

import java.util.concurrent.locks.LockSupport;

/**
 * A time source in nanoseconds that can also wait, as the {@link RateLimiter} needs it: the
 * system's in production; in tests a fake whose {@link #park} only moves its time, so that
 * rates can be asserted exactly and without waiting.
 */
interface Ticker {
  /** {@link System#nanoTime()} and {@link LockSupport#parkNanos(long)}. */
  Ticker SYSTEM = new Ticker() {
    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public void park(long nanos) {
      LockSupport.parkNanos(nanos);
    }
  };

  /** @return the current time in nanoseconds, from an arbitrary origin */
  long nanoTime();

  /** Waits about {@code nanos}; may return earlier (an interrupt, a spurious wake-up). */
  void park(long nanos);
}
