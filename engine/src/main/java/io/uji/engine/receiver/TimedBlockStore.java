package io.uji.engine.receiver;

import io.uji.checkpoint.LogPosition;
import io.uji.engine.hooks.EngineObserver;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * A block store that reports how long each write took (serialization, append and force) to an
 * observer. Built only when someone observes the context, so an unobserved receiver reads no
 * clock.
 *
 * @param <T> the record type
 */
public final class TimedBlockStore<T> implements BlockStore<T> {
  private final BlockStore<T> inner;
  private final int input;
  private final EngineObserver observer;

  /** Owns {@code inner}: closing this store closes it. */
  public TimedBlockStore(BlockStore<T> inner, int input, EngineObserver observer) {
    this.inner = inner;
    this.input = input;
    this.observer = observer;
  }

  @Override
  public LogPosition write(List<T> block) {
    long start = System.nanoTime();
    LogPosition p = inner.write(block);
    observer.walAppended(input, System.nanoTime() - start);
    return p;
  }

  @Override
  public List<T> read(LogPosition position) {
    return inner.read(position);
  }

  @Override
  public void forEachAfter(LogPosition position, BiConsumer<LogPosition, List<T>> visitor) {
    inner.forEachAfter(position, visitor);
  }

  @Override
  public void deleteBefore(LogPosition position) {
    inner.deleteBefore(position);
  }

  @Override
  public void close() {
    inner.close();
  }
}
