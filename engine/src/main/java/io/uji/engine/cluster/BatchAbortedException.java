package io.uji.engine.cluster;

import io.uji.streaming.StreamingException;

/**
 * A batch's commit could not complete and nothing of it counts (the instance was fenced, removed
 * from the group, or its transaction aborted). Not a failure of the context: the member resets
 * the running groups ({@link GroupControl#resetAll}) and the partitions' next owner redoes the
 * batch's input.
 */
public final class BatchAbortedException extends StreamingException {
  private static final long serialVersionUID = 1L;

  /** @param message why the batch did not commit */
  public BatchAbortedException(String message, Throwable cause) {
    super(message, cause);
  }
}
