package io.uji.streaming;

import io.uji.engine.access.SharedSecrets;
import io.uji.engine.access.StreamingAccess;
import io.uji.engine.exec.WorkerPool;
import io.uji.engine.hooks.ContextView;
import io.uji.engine.hooks.EngineObserver;
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

  @Override
  public <K, V> PairDStream<K, V> keyedStream(StreamingContext ssc,
      io.uji.engine.cluster.KeyedSourceSpec<Pair<K, V>> spec) {
    return ssc.keyedStream(spec);
  }

  @Override
  public void joinGroup(StreamingContext ssc, io.uji.engine.cluster.ClusterMember member, String applicationId) {
    ssc.joinGroup(member, applicationId);
  }

  @Override
  public ContextView view(StreamingContext ssc) {
    return ssc.view();
  }

  @Override
  public void observe(StreamingContext ssc, EngineObserver observer) {
    ssc.observe(observer);
  }
}
