package io.uji.streaming;

import io.uji.engine.state.MapWithStateNode;
import io.uji.engine.state.StateSnapshotNode;

/**
 * The result of {@link PairDStream#mapWithState}: the mapped elements of each batch, plus
 * {@link #stateSnapshots()}.
 *
 * @param <K> key type
 * @param <V> value type
 * @param <S> state type
 * @param <M> mapped type
 */
public final class MapWithStateDStream<K, V, S, M> extends DStream<M> {
  private final MapWithStateNode<K, V, S, M> stateNode;

  MapWithStateDStream(StreamingContext ssc, MapWithStateNode<K, V, S, M> node) {
    super(ssc, node);
    this.stateNode = node;
  }

  /** @return a stream of every (key, state) after each batch */
  public PairDStream<K, S> stateSnapshots() {
    return new PairDStream<>(new DStream<>(ssc, new StateSnapshotNode<>(stateNode)));
  }

  /**
   * Gives the operator a stable id, under which its state is stored and checkpointed. Without
   * one the id is derived from the operator's position in the program, so adding a stream
   * before it makes a restart miss its checkpointed state. Call before start.
   *
   * @throws IllegalArgumentException if another stateful operator has that name or it is not a
   *     valid id (empty, starting with {@code "uji."}, ending with {@code ".timeouts"}, or
   *     {@code "default"})
   * @throws IllegalStateException if the context was started
   */
  public MapWithStateDStream<K, V, S, M> name(String id) {
    stateNode.rename(id);
    return this;
  }
}
