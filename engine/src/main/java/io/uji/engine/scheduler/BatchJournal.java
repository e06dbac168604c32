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
