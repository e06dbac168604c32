package io.uji.engine.state;

import io.uji.engine.graph.Node;
import io.uji.streaming.Dataset;
import io.uji.streaming.Pair;
import io.uji.streaming.Partitioner;
import java.util.List;

/**
 * What both forms of updateStateByKey share: one kind in checkpoints, and a state stored as the
 * user's state itself (no wrapper, no timeout), so that a program may switch between
 * {@link UpdateStateNode} and {@link UpdateStateIteratorNode} across restarts.
 *
 * @param <K> key type
 * @param <V> value type
 * @param <S> state type
 */
abstract class UpdateStateByKeyNode<K, V, S> extends KeyedStateNode<K, V, S, S, Pair<K, S>> {
  /** The kind of both forms of updateStateByKey in checkpoints: never change it. */
  static final String KIND = "updateStateByKey";
  private static final List<Object> NO_VALUES = List.of();

  UpdateStateByKeyNode(Node<Pair<K, V>> parent, Partitioner partitioner, Dataset<Pair<K, S>> initialState) {
    super(parent, partitioner, KIND, null, null, initialState);
  }

  /** The values of a key that has state but no data in the batch (shared, immutable). */
  @SuppressWarnings("unchecked")
  static <V> List<V> noValues() {
    return (List<V>) NO_VALUES;
  }

  @Override
  @SuppressWarnings("unchecked")
  protected final Class<S> storedType() {
    return (Class<S>) Object.class;
  }

  @Override
  protected final S userState(S stored) {
    return stored;
  }

  @Override
  protected final S initialRecord(S state, long firstBatchTime) {
    return state;
  }
}
