package io.uji.streaming;

import io.uji.engine.access.SharedSecrets;
import io.uji.engine.access.StreamingAccess;
import io.uji.engine.exec.WorkerPool;
import io.uji.engine.receiver.ReceiverSink;
import java.util.List;

/**
 * The engine's access to package-private parts of the API types, installed into {@link
 * SharedSecrets} by {@link Dataset}'s static initializer. Not public: users never see it.
 */
final class EngineAccess implements StreamingAccess {
  @Override
  public <T> Dataset<T> dataset(List<List<T>> partitions, WorkerPool pool) {
    return new Dataset<>(partitions, pool);
  }

  @Override
  public WorkerPool pool(Dataset<?> dataset) {
    return dataset.pool();
  }

  @Override
  public <T> void attach(Receiver<T> receiver, ReceiverSink<T> sink) {
    receiver.attach(sink);
  }
}
