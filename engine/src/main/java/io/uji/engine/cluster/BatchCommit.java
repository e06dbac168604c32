package io.uji.engine.cluster;

import java.util.List;
import java.util.Set;

/** What one batch hands to {@link ClusterMember#commit}. */
public interface BatchCommit {
  /** @return the batch's time in milliseconds (the changelog records' timestamp) */
  long batchTimeMs();

  /** @return the input the batch consumed, per source partition, in partition order */
  List<InputRange> ranges();

  /**
   * @return the key groups the batch computed (those running here when it ran), whether or not it
   *     read input of them: a batch may change or output a group without input (timeouts fired,
   *     stateSnapshots), and its commit must still carry that group's positions so that a member
   *     that lost the group cannot commit it (the generation check is on the offsets)
   */
  Set<Integer> groups();

  /**
   * Hands every state change of the batch (every stateful operator, every running group that
   * changed) to {@code writer}, each changed key once with its value after the batch. Call once;
   * returns when all are written.
   */
  void drainChanges(ChangeWriter writer);
}
