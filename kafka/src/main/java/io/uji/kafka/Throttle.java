package io.uji.kafka;

import java.time.Duration;

/**
 * Lets a repeated warning through at most once per period, so that a broker down for an hour
 * logs a line every 30 s rather than one per poll. Thread-safe.
 */
final class Throttle {
  static final Duration WARN_PERIOD = Duration.ofSeconds(30);

  private final long periodNanos;
  private boolean passed;
  private long lastNanos;

  Throttle(Duration period) {
    this.periodNanos = period.toNanos();
  }

  static Throttle warnings() {
    return new Throttle(WARN_PERIOD);
  }

  /** @return true the first time, then again once a period has passed since the last true */
  synchronized boolean allow() {
    long now = System.nanoTime();
    if (!passed || now - lastNanos >= periodNanos) {
      passed = true;
      lastNanos = now;
      return true;
    }
    return false;
  }
}
