package io.uji.kafka;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Tells retry loops that the context is stopping, and wakes them from their backoff. */
final class StopSignal {
  private final CountDownLatch stopped = new CountDownLatch(1);

  void stop() {
    stopped.countDown();
  }

  boolean isStopped() {
    return stopped.getCount() == 0;
  }

  /**
   * Waits {@code ms} unless stopped first.
   *
   * @return true if stopped (now or while waiting)
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  boolean sleep(long ms) throws InterruptedException {
    return stopped.await(ms, TimeUnit.MILLISECONDS);
  }
}
