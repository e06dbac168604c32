package io.uji.engine.receiver;

import io.uji.checkpoint.LogPosition;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Where a receiver's blocks go before they count as received: its write-ahead log when the
 * context checkpoints ({@link WalBlockStore}), nowhere otherwise ({@link #none()}).
 *
 * @param <T> the record type
 */
public interface BlockStore<T> extends AutoCloseable {
  /**
   * Makes the block durable.
   *
   * @return where it was written (recorded in the batch lineage), or null when not written
   */
  LogPosition write(List<T> block);

  /**
   * @return the records of the block written at {@code position}
   * @throws IllegalStateException if this store keeps nothing
   */
  List<T> read(LogPosition position);

  /**
   * Visits, in order, every block stored after {@code position} (all if null): after a crash,
   * the blocks that were stored but that no batch took.
   */
  void forEachAfter(LogPosition position, BiConsumer<LogPosition, List<T>> visitor);

  /** Deletes what lies wholly before {@code position} (no retained batch needs it). */
  void deleteBefore(LogPosition position);

  @Override
  void close();

  /** @return a store that keeps nothing (no checkpoint directory: blocks live only in memory) */
  @SuppressWarnings("unchecked")
  static <T> BlockStore<T> none() {
    return (BlockStore<T>) None.INSTANCE;
  }

  /** The store of a context without a checkpoint directory. */
  final class None implements BlockStore<Object> {
    private static final None INSTANCE = new None();

    private None() {}

    @Override
    public LogPosition write(List<Object> block) {
      return null;
    }

    @Override
    public List<Object> read(LogPosition position) {
      throw new IllegalStateException("This receiver has no write-ahead log (no checkpoint directory)");
    }

    @Override
    public void forEachAfter(LogPosition position, BiConsumer<LogPosition, List<Object>> visitor) {}

    @Override
    public void deleteBefore(LogPosition position) {}

    @Override
    public void close() {}
  }
}
