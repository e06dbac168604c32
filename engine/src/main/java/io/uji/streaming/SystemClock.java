package io.uji.streaming;

import java.util.concurrent.TimeUnit;

/** The wall clock ({@link System#currentTimeMillis()}). */
public final class SystemClock implements Clock {
  /** The one instance (the clock has no state); what {@link StreamingConfig} uses by default. */
  public static final SystemClock INSTANCE = new SystemClock();

  /**
   * A wall clock; the clock has no state, so this is the same as {@link #INSTANCE}, which is
   * what to use.
   */
  public SystemClock() {}

  @Override
  public long getTimeMillis() {
    return System.currentTimeMillis();
  }

  @Override
  public long waitTillTime(long targetTime) throws InterruptedException {
    long now = System.currentTimeMillis();
    while (now < targetTime) {
      // Sleep at most 25 ms at a time so that a wall-clock jump cannot delay a batch for long.
      TimeUnit.MILLISECONDS.sleep(Math.min(targetTime - now, 25));
      now = System.currentTimeMillis();
    }
    return now;
  }
}
