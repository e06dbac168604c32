package io.uji.streaming;

/** The one-way life cycle of a {@link StreamingContext}: INITIALIZED, then ACTIVE, then STOPPED. */
public enum StreamingContextState {
  /** Created; streams and output operations can be added. */
  INITIALIZED,
  /** Started: receivers run and batches are generated. No new streams can be added. */
  ACTIVE,
  /** Stopped. A stopped context cannot be started again. */
  STOPPED
}
