package io.uji.kafka;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.KafkaFuture;

/** A point in time that several calls to Kafka share, so that together they take no longer than one timeout. */
final class Deadline {
  private final long endNanos;

  private Deadline(long endNanos) {
    this.endNanos = endNanos;
  }

  static Deadline in(Duration timeout) {
    return new Deadline(System.nanoTime() + timeout.toNanos());
  }

  /** @return milliseconds left, at least 1 (a Kafka option of 0 would mean "no wait" or "default") */
  int remainingMs() {
    long ms = TimeUnit.NANOSECONDS.toMillis(endNanos - System.nanoTime());
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, ms));
  }

  /** @return whether the deadline has passed */
  boolean passed() {
    return System.nanoTime() - endNanos >= 0;
  }

  Duration remaining() {
    return Duration.ofMillis(remainingMs());
  }

  /** Waits for {@code future} until the deadline. */
  <T> T await(KafkaFuture<T> future) throws ExecutionException, TimeoutException, InterruptedException {
    return future.get(remainingMs(), TimeUnit.MILLISECONDS);
  }
}
