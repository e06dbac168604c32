package io.uji.engine.receiver;

import java.util.List;

/**
 * Where a receiver's blocks go before they count as received: the write-ahead log when the
 * context checkpoints, nowhere otherwise.
 */
public interface BlockStore<T> extends AutoCloseable {
  /** A store that keeps nothing (no checkpoint directory: blocks live only in memory). */
  @SuppressWarnings("rawtypes")
  BlockStore NONE = block -> null;

  /**
   * Makes the block durable.
   *
   * @return where it was written (recorded in the batch lineage), or null when not written
   */
  Object write(List<T> block);

  @Override
  default void close() {}

  @SuppressWarnings("unchecked")
  static <T> BlockStore<T> none() {
    return NONE;
  }
}
