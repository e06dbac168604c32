package io.uji.streaming;

import java.util.Optional;

/**
 * One output operation (foreachBatch, print, saveAsTextFiles, ...) of one batch.
 *
 * @param batchTime the batch
 * @param id the output operation's index in registration order
 * @param name a short name such as "foreachBatch" or "print"
 * @param startTime clock time when it started, -1 if not yet
 * @param endTime clock time when it ended, -1 if not yet
 * @param failureReason the error if it failed
 */
public record OutputOperationInfo(
    Time batchTime, int id, String name, long startTime, long endTime, Optional<String> failureReason) {

  /** @return end - start, or -1 if not finished */
  public long duration() {
    return endTime < 0 ? -1 : endTime - startTime;
  }
}
