package io.uji.engine.cluster;

import java.util.List;

/** What one batch hands to {@link ClusterMember#commit}. */
public interface BatchCommit {
  /** @return the batch's time in milliseconds (the changelog records' timestamp) */
  long batchTimeMs();

  /** @return the input the batch consumed, per source partition, in partition order */
  List<InputRange> ranges();

  /**
   * Hands every state change of the batch (every stateful operator, every running group that
   * changed) to {@code writer}, each changed key once with its value after the batch. Call once;
   * returns when all are written.
   */
  void drainChanges(ChangeWriter writer);
}
