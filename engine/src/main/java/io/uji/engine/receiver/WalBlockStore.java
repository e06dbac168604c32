package io.uji.engine.receiver;

import io.uji.checkpoint.LogEntry;
import io.uji.checkpoint.LogPosition;
import io.uji.checkpoint.SegmentedLog;
import io.uji.serde.KryoPool;
import io.uji.serde.KryoSerde;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * A receiver's write-ahead log: each block is one log record (the Kryo-serialized list of
 * records), durable under the log's fsync policy before {@link #write} returns.
 *
 * @param <T> the record type
 */
public final class WalBlockStore<T> implements BlockStore<T> {
  private final SegmentedLog log;
  @SuppressWarnings("rawtypes")
  private final KryoSerde<List> serde;

  /** Takes ownership of {@code log}: closing this store closes it. */
  public WalBlockStore(SegmentedLog log, KryoPool kryo) {
    this.log = log;
    this.serde = new KryoSerde<>(kryo, List.class);
  }

  @Override
  public LogPosition write(List<T> block) {
    return log.append(serde.toBytes(block));
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<T> read(LogPosition position) {
    return serde.fromBytes(log.read(position));
  }

  @Override
  @SuppressWarnings("unchecked")
  public void forEachAfter(LogPosition position, BiConsumer<LogPosition, List<T>> visitor) {
    for (LogEntry e : log.readAllFrom(log.start())) {
      if (position == null || e.position().compareTo(position) > 0) {
        visitor.accept(e.position(), serde.fromBytes(e.payload()));
      }
    }
  }

  @Override
  public void deleteBefore(LogPosition position) {
    log.deleteSegmentsBefore(position);
  }

  /** @return the log's directory */
  public java.nio.file.Path directory() {
    return log.directory();
  }

  @Override
  public void close() {
    log.close();
  }
}
