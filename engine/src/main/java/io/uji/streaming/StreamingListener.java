package io.uji.streaming;

/**
 * Receives a context's events. Events are delivered one at a time, in order, on one listener
 * thread of the context, so a slow listener delays other listeners but never the batches.
 * Every method has an empty default.
 */
public interface StreamingListener {
  /** The context started; {@code time} is the clock time. */
  default void onStreamingStarted(long time) {}

  /** A batch was generated and queued. */
  default void onBatchSubmitted(BatchInfo batch) {}

  /** A batch started running. */
  default void onBatchStarted(BatchInfo batch) {}

  /** A batch finished (successfully or with {@link BatchInfo#failureReason()}). */
  default void onBatchCompleted(BatchInfo batch) {}

  /**
   * A receiver's {@code onStart} returned: it runs, at the context's start or after a restart.
   * Spark's {@code onReceiverStarted}.
   *
   * @param receiver the receiver, {@link ReceiverInfo#active() active}
   */
  default void onReceiverStarted(ReceiverInfo receiver) {}

  /** A receiver reported an error or asked to be restarted, or its {@code onStart} threw. */
  default void onReceiverError(ReceiverInfo receiver) {}

  /**
   * A receiver's {@code onStop} was called: before a restart (after {@link #onReceiverError}),
   * when it stopped itself ({@code Receiver.stop}), or when the context stopped. Spark's
   * {@code onReceiverStopped}.
   *
   * @param receiver the receiver, with the message and error that stopped it (message
   *     {@code "context stopped"} and no error when the context did)
   */
  default void onReceiverStopped(ReceiverInfo receiver) {}

  /**
   * An output operation starts for a batch (each attempt when its {@link OutputErrorPolicy}
   * retries it). Spark's {@code onOutputOperationStarted}.
   *
   * @param output the operation and its batch time; its end time is not known yet ({@code -1})
   *     and it has no failure reason
   */
  default void onOutputOperationStarted(OutputOperationInfo output) {}

  /**
   * An output operation ended for a batch, successfully or with {@link
   * OutputOperationInfo#failureReason()}; an operation that is retried by its {@link
   * OutputErrorPolicy} reports each attempt.
   */
  default void onOutputOperationCompleted(OutputOperationInfo output) {}

  /**
   * An output operation failed for a batch and its {@link OutputErrorPolicy} skipped it: its
   * failure went to the policy's handler, and the batch went on without it.
   */
  default void onOutputOperationSkipped(OutputOperationInfo output) {}
}
