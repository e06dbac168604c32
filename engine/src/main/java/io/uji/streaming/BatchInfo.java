package io.uji.streaming;

import java.util.Optional;

/**
 * What a listener learns about one batch. Delays follow Spark's definitions: scheduling delay =
 * processing start - submission; processing delay = processing end - processing start; total
 * delay = processing end - submission. Times are the context clock's milliseconds.
 *
 * @param batchTime the batch's time
 * @param numRecords records the batch's input streams delivered
 * @param submissionTime when the batch was queued ({@code -1} if unknown)
 * @param processingStartTime when its first output operation started, -1 if not yet
 * @param processingEndTime when its last output operation ended, -1 if not yet
 * @param failureReason why the batch failed, empty when it succeeded or is still running
 * @param replay true when the batch was logged by an earlier run and is run again by recovery
 *     after a crash or a non-graceful stop: its outputs run a second time for the same batch
 *     time and data (a graceful stop, {@code stop(true)}, leaves nothing to replay)
 */
public record BatchInfo(
    Time batchTime,
    long numRecords,
    long submissionTime,
    long processingStartTime,
    long processingEndTime,
    Optional<String> failureReason,
    boolean replay) {

  /** @return processing start - submission, or -1 if not started */
  public long schedulingDelay() {
    return processingStartTime < 0 ? -1 : processingStartTime - submissionTime;
  }

  /** @return processing end - processing start, or -1 if not finished */
  public long processingDelay() {
    return processingEndTime < 0 ? -1 : processingEndTime - processingStartTime;
  }

  /** @return processing end - submission, or -1 if not finished */
  public long totalDelay() {
    return processingEndTime < 0 ? -1 : processingEndTime - submissionTime;
  }
}
