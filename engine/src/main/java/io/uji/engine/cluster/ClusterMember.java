package io.uji.engine.cluster;

/**
 * A context's membership in a group of instances sharing one keyed input (implemented by the
 * Kafka module). The engine calls {@link #start} once, after recovery and before the first batch,
 * {@link #commit} once per batch from the batch runner thread in batch order, and {@link #stop}
 * once when the context stops.
 */
public interface ClusterMember {
  /**
   * Joins the group. From now on the member tells {@code control} which key groups this instance
   * runs; until it activates one, batches take no input.
   */
  void start(GroupControl control);

  /**
   * Makes one batch durable: its outputs (sent by the member's own sinks during the batch), the
   * state changes it drains from {@code commit}, and its input positions, atomically.
   *
   * @return {@link CommitOutcome#COMMITTED}, or {@link CommitOutcome#DEFERRED} when the member keeps
   *     the batch in an open transaction to be committed with a later one (during a rebalance, when
   *     the group's generation is not known): the engine then takes no local checkpoint until a
   *     batch commits
   * @throws BatchAbortedException if the batch cannot commit (fenced, removed from the group, an
   *     aborted transaction): the engine then resets the running groups ({@link
   *     GroupControl#resetAll}; the member may have called it already, it does no harm twice) and
   *     the context keeps running; the member rejoins and activates what it is assigned again
   * @throws RuntimeException any other failure is permanent: the batch fails and the context stops
   */
  CommitOutcome commit(BatchCommit commit);

  /**
   * The engine put its running key groups back to their last committed state ({@link
   * GroupControl#resetAll}, {@link GroupControl#lost}, an aborted commit): it emptied {@code
   * emptied}, so they have no local copy any more (a later restore reads their changelogs from the
   * start), and the member must drop everything not committed yet: the open transaction, with any
   * batches deferred into it. Nothing computed before this call may ever commit: a deferred batch
   * committed later, with a later generation, would write a group's changelog and offsets after its
   * new owner restored it (which then counted the batch again from older state). Called at a batch
   * boundary (no batch runs meanwhile), before anything is activated again.
   *
   * @param emptied the key groups that were running and are now empty
   */
  void groupsReset(java.util.Set<Integer> emptied);

  /**
   * The changelog positions to record in a local checkpoint, consistent with the state as of the
   * last {@link #commit} that returned {@link CommitOutcome#COMMITTED} (the engine asks only then,
   * from the batch runner thread).
   */
  ChangelogPositions positions();

  /**
   * Stops the membership after the last batch's commit.
   *
   * @param leave true to leave the group at once (a graceful stop hands its groups over), false to
   *     stay a member until the session times out (a restart that means to take its groups back)
   */
  void stop(boolean leave);

  /**
   * @return how to locate keys in the group, if the member can: a context with one answers a
   *     state query for a key of a group not running here with the key's location; without one
   *     it looks in every group running here
   */
  default java.util.Optional<KeyLocator> keyLocator() {
    return java.util.Optional.empty();
  }

  /** What {@link #commit} did with a batch. */
  enum CommitOutcome {
    /** The batch is committed: its outputs and state are visible and its input is consumed. */
    COMMITTED,
    /** The batch is in an open transaction that a later batch's commit will commit. */
    DEFERRED
  }
}
