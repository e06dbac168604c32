package io.uji.kafka;

import java.time.Duration;

/** Exponential backoff between retries: 100 ms, doubling up to a maximum, back to the start after a success. */
final class Backoff {
  private static final long INITIAL_MS = 100;

  private final long maxMs;
  private long nextMs = INITIAL_MS;

  Backoff(Duration max) {
    this.maxMs = Math.max(INITIAL_MS, max.toMillis());
  }

  /** @return how long to wait before the next retry (and doubles the wait after it) */
  long nextMs() {
    long ms = nextMs;
    nextMs = Math.min(maxMs, nextMs * 2);
    return ms;
  }

  void reset() {
    nextMs = INITIAL_MS;
  }
}
