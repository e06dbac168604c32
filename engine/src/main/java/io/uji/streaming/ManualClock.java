package io.uji.streaming;

/**
 * A clock that moves only when a test advances it, so batch times, window alignment and listener
 * delays can be pinned exactly. Thread-safe.
 */
public final class ManualClock implements Clock {
  private long time;

  public ManualClock() {
    this(0L);
  }

  public ManualClock(long startMillis) {
    this.time = startMillis;
  }

  @Override
  public synchronized long getTimeMillis() {
    return time;
  }

  /** Sets the time; it may not go backwards. */
  public synchronized void setTime(long millis) {
    if (millis < time) {
      throw new IllegalArgumentException("a ManualClock cannot go back from " + time + " to " + millis);
    }
    time = millis;
    notifyAll();
  }

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
