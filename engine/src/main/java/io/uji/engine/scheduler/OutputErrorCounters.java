package io.uji.engine.scheduler;

import java.util.concurrent.atomic.LongAdder;

/**
 * How often output operations failed and what their error policies did, since the context
 * started: counters for a metrics layer to read (any thread), written by the batch runner.
 */
public final class OutputErrorCounters {
  private final LongAdder failures = new LongAdder();
  private final LongAdder retries = new LongAdder();
  private final LongAdder skipped = new LongAdder();

  void countFailure() {
    failures.increment();
  }

  void countRetry() {
    retries.increment();
  }

  void countSkip() {
    skipped.increment();
  }

  /** @return failed runs of output operations, every attempt counted */
  public long failures() {
    return failures.sum();
  }

  /** @return runs of output operations that were retries after a failure */
  public long retries() {
    return retries.sum();
  }

  /** @return (batch, output operation) pairs skipped by an error policy and handed to its handler */
  public long skipped() {
    return skipped.sum();
  }
}
