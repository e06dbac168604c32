package io.uji.engine.hooks;

/**
 * Receives reports from a running context's engine threads. Every method has an empty default.
 * Implementations must return quickly and must not throw (an exception is logged and dropped by
 * the caller where the engine can afford it, but an observer is on the batch runner's and the
 * receivers' paths).
 *
 * <p>Attached with {@link Observation#observe} before the context starts; components are built
 * at start knowing whether anyone observes, so that {@link #NONE} costs nothing at all.
 */
public interface EngineObserver {
  /** Observes nothing; the engine skips the reporting (and its clock reads) altogether. */
  EngineObserver NONE = new EngineObserver() {};

  /**
   * The context started (recovery done, inputs and scheduler running), on the thread that
   * called {@code start()}. Batches may have completed already (replayed ones).
   */
  default void started(ContextView view) {}

  /** A batch completed or failed, on the batch runner thread, in batch order. */
  default void batchCompleted(BatchReport report) {}

  /** A checkpoint is durable, on the checkpoint writer thread. */
  default void checkpointCompleted(CheckpointReport report) {}

  /** Recovery from a checkpoint directory finished (state restored, replay queued), during start. */
  default void recovered(RecoveryReport report) {}

  /**
   * A receiver's block was appended to its write-ahead log and is durable.
   *
   * @param input the input's place in the program
   * @param nanos how long the append took, the force included
   */
  default void walAppended(int input, long nanos) {}

  /**
   * Bytes were written to a receiver's write-ahead log (records and framing).
   *
   * @param input the input's place in the program
   */
  default void walWritten(int input, int bytes) {}

  /**
   * A receiver's write-ahead log was forced to disk ({@code fdatasync}).
   *
   * @param input the input's place in the program
   */
  default void walForced(int input, long nanos) {}

  /** Something failed outside a batch (a checkpoint, the job generator); the context stops. */
  default void failed(String what, Throwable error) {}

  /** The context stopped; no report follows. */
  default void stopped() {}
}
