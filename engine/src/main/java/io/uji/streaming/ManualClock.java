package io.uji.streaming;

/**
 * A clock that moves only when a test advances it, so batch times, window alignment and listener
 * delays can be pinned exactly. Thread-safe.
 */
public final class ManualClock implements Clock {
  private long time;

  /** A clock at time 0, so that the first batch times are multiples of the batch interval from 0. */
  public ManualClock() {
    this(0L);
  }

  /**
   * A clock at the given time.
   *
   * @param startMillis the clock's initial time, in milliseconds since the epoch
   */
  public ManualClock(long startMillis) {
    this.time = startMillis;
  }

  @Override
  public synchronized long getTimeMillis() {
    return time;
  }

  /**
   * Sets the time and wakes every thread waiting in {@link #waitTillTime}: the scheduler
   * generates the batches whose times were reached.
   *
   * @param millis the new time
   * @throws IllegalArgumentException if {@code millis} is before the current time
   */
  public synchronized void setTime(long millis) {
    if (millis < time) {
      throw new IllegalArgumentException("a ManualClock cannot go back from " + time + " to " + millis);
    }
    time = millis;
    notifyAll();
  }

  /**
   * Moves the clock forward by {@code millis}, as {@link #setTime} does.
   *
   * @param millis how far to move the clock, not negative
   * @throws IllegalArgumentException if {@code millis} is negative
   */
  public synchronized void advance(long millis) {
    setTime(time + millis);
  }

  @Override
  public synchronized long waitTillTime(long targetTime) throws InterruptedException {
    while (time < targetTime) {
      wait();
    }
    return time;
  }
}
