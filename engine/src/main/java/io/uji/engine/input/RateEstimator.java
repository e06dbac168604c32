package io.uji.engine.input;

/**
 * Backpressure for a replayable source: estimates how many records per second the program can
 * process from what completed batches took, so that the next batch takes no more than can be
 * processed within a batch interval. A PID controller on the processing rate, as Spark's
 * {@code PIDRateEstimator} (proportional 1.0, integral 0.2, derivative 0): the integral term is
 * the backlog, the scheduling delay turned into records, which a new rate must also work off.
 *
 * <p>Used by the listener thread (updates) and the job generator (reads): the rate is volatile.
 */
final class RateEstimator {
  private static final double PROPORTIONAL = 1.0;
  private static final double INTEGRAL = 0.2;
  private static final double DERIVATIVE = 0.0;

  private final long batchIntervalMs;
  private final double minRate;
  private long latestTimeMs = -1;
  private double latestError;
  private boolean firstRun = true;
  private volatile double rate = -1;

  /**
   * @param batchIntervalMs the context's batch interval
   * @param minRate the rate the estimate never goes below, in records per second
   */
  RateEstimator(long batchIntervalMs, double minRate) {
    this.batchIntervalMs = batchIntervalMs;
    this.minRate = minRate;
  }

  /** @return the estimated sustainable rate in records per second, or -1 before any estimate */
  double rate() {
    return rate;
  }

  /**
   * Takes in a completed batch.
   *
   * @param timeMs the batch time
   * @param records records it processed
   * @param processingDelayMs how long it ran
   * @param schedulingDelayMs how long it waited in the queue
   */
  synchronized void update(long timeMs, long records, long processingDelayMs, long schedulingDelayMs) {
    if (timeMs <= latestTimeMs || records <= 0 || processingDelayMs <= 0) {
      return;
    }
    double processingRate = records * 1000.0 / processingDelayMs;
    if (firstRun) {
      rate = processingRate;
      latestError = 0;
      latestTimeMs = timeMs;
      firstRun = false;
      return;
    }
    double sinceUpdate = (timeMs - latestTimeMs) / 1000.0;
    double error = rate - processingRate;
    double historicalError = Math.max(0, schedulingDelayMs) * processingRate / batchIntervalMs;
    double dError = (error - latestError) / sinceUpdate;
    rate = Math.max(rate - PROPORTIONAL * error - INTEGRAL * historicalError - DERIVATIVE * dError, minRate);
    latestError = error;
    latestTimeMs = timeMs;
  }
}
