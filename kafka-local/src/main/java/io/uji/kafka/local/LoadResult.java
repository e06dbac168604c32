package io.uji.kafka.local;

import java.time.Duration;

/**
 * What {@link EventLoader#load} wrote: {@code events} records, all acknowledged by the broker,
 * in {@code elapsed} (from the first send to the last acknowledgement; topic creation excluded).
 */
public record LoadResult(long events, Duration elapsed) {
  /** Acknowledged events per second. */
  public double eventsPerSecond() {
    return events / Math.max(elapsed.toNanos() / 1e9, 1e-9);
  }
}
