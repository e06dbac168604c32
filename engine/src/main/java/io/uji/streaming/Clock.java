package io.uji.streaming;

/**
 * The time source of a context's batch scheduler. {@link SystemClock} in production,
 * {@link ManualClock} in deterministic tests.
 */
public interface Clock {
  /** @return the current time in milliseconds */
  long getTimeMillis();

  /**
   * Blocks until the clock reaches {@code targetTime}.
   *
   * @return the time when the wait ended (at least {@code targetTime})
   * @throws InterruptedException if the waiting thread is interrupted (used to stop the scheduler)
   */
  long waitTillTime(long targetTime) throws InterruptedException;
}
