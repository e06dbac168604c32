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

  default void onReceiverStarted(ReceiverInfo receiver) {}

  /** A receiver reported an error or asked to be restarted, or its {@code onStart} threw. */
  default void onReceiverError(ReceiverInfo receiver) {}

  default void onReceiverStopped(ReceiverInfo receiver) {}

  default void onOutputOperationStarted(OutputOperationInfo output) {}

  default void onOutputOperationCompleted(OutputOperationInfo output) {}
}
