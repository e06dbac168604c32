package io.uji.engine.runtime;

import io.uji.checkpoint.LogPosition;
import io.uji.checkpoint.SegmentedLog;
import io.uji.engine.receiver.BlockReader;
import io.uji.engine.receiver.BlockStore;
import io.uji.serde.KryoPool;
import io.uji.serde.KryoSerde;
import java.util.List;

/**
 * A receiver's write-ahead log: each block is one log record (the Kryo-serialized list of
 * records), durable under the log's fsync policy before {@link #write} returns.
 */
final class ReceiverWal<T> implements BlockStore<T>, BlockReader<T> {
  private final SegmentedLog log;
  @SuppressWarnings("rawtypes")
  private final KryoSerde<List> serde;

  ReceiverWal(SegmentedLog log, KryoPool kryo) {
    this.log = log;
    this.serde = new KryoSerde<>(kryo, List.class);
  }

  @Override
  public Object write(List<T> block) {
    return log.append(serde.toBytes(block));
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<T> read(Object position) {
    return serde.fromBytes(log.read((LogPosition) position));
  }

  SegmentedLog log() {
    return log;
  }

  @Override
  public void close() {
    log.close();
  }
}
