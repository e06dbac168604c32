package io.uji.engine.access;

import io.uji.engine.exec.WorkerPool;
import io.uji.engine.hooks.ContextView;
import io.uji.engine.hooks.EngineObserver;
import io.uji.engine.receiver.ReceiverSink;
import io.uji.streaming.Dataset;
import io.uji.streaming.Receiver;
import io.uji.streaming.StreamingContext;
import java.util.List;

/**
 * What the engine does to public API objects that users must not be able to do: build a
 * dataset bound to a context's worker pool, read that pool, attach a receiver to its
 * supervisor. Implemented inside {@code io.uji.streaming} (package-private) and handed to the
 * engine through {@link SharedSecrets}, so that no public member of the API names an internal
 * type.
 */
public interface StreamingAccess {
  /**
   * @param partitions the partitions; the lists must not be changed afterwards
   * @param pool the pool that runs the dataset's transformations, or null for the calling thread
   * @return a dataset over {@code partitions}
   */
  <T> Dataset<T> dataset(List<List<T>> partitions, WorkerPool pool);

  /** @return the pool {@code dataset}'s transformations run on, or null for the calling thread */
  WorkerPool pool(Dataset<?> dataset);

  /**
   * Attaches {@code receiver} to the supervisor {@code sink} (null detaches it).
   *
   * @throws IllegalStateException if it is already attached to another stream
   */
  <T> void attach(Receiver<T> receiver, ReceiverSink<T> sink);

  /**
   * @return the keyed stream of a group over {@code spec} (placed by origin: batch partition g is
   *     key group g)
   * @throws IllegalStateException if {@code ssc} was started already
   */
  <K, V> io.uji.streaming.PairDStream<K, V> keyedStream(StreamingContext ssc,
      io.uji.engine.cluster.KeyedSourceSpec<io.uji.streaming.Pair<K, V>> spec);

  /**
   * Makes {@code ssc} run in group {@code applicationId} through {@code member} from its start.
   *
   * @throws IllegalStateException if {@code ssc} was started already or is in a group already
   */
  void joinGroup(StreamingContext ssc, io.uji.engine.cluster.ClusterMember member, String applicationId);

  /** @return a live view of {@code ssc}'s internals (see {@link io.uji.engine.hooks.Observation}) */
  ContextView view(StreamingContext ssc);

  /**
   * Attaches {@code observer} to {@code ssc}'s next start.
   *
   * @throws IllegalStateException if {@code ssc} was started already
   */
  void observe(StreamingContext ssc, EngineObserver observer);
}
