package io.uji.engine.scheduler;

import io.uji.streaming.Time;

/**
 * Where the scheduler makes batches durable: the lineage log and periodic checkpoints when the
 * context has a checkpoint directory; nothing otherwise.
 */
public interface BatchJournal extends AutoCloseable {
  /** A journal that keeps nothing. */
  BatchJournal NONE = new BatchJournal() {};

  /** Makes the batch's lineage durable; called before the batch is queued. */
  default void logBatch(Batch batch) {}

  /**
   * Commits the batch where the context's output and state become durable outside this process
   * (a group's transaction), after its outputs and state ran, on the batch runner under the
   * batch lock. Nothing to do outside a group.
   *
   * @return null when the batch counts; else why it does not (it was aborted, the context goes on:
   *     listeners see it as failed with this reason)
   */
  default String commitBatch(Batch batch) {
    return null;
  }

  /** Called after batch {@code t} completed and its state was committed (checkpoint if due). */
  default void batchCompleted(Time t) {}

  /**
   * Called once by a graceful stop, after its last batch completed: makes that batch durable
   * (a checkpoint of it unless it has one), so that the next start replays nothing. Called on
   * the batch runner, before {@link #close()}.
   */
  default void finalCheckpoint() {}

  @Override
  default void close() {}
}
