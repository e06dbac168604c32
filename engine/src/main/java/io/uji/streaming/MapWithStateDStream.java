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

  /**
   * Every (key, state) after each batch, as Spark's {@code stateSnapshots()}. It reads the whole
   * state at every batch, whether an output uses the snapshot or not: with a state that lives
   * mostly in RocksDB that read can take as long as a batch interval, and backpressure then keeps
   * the batches at their minimum size. To look at the state now and then, read it when needed
   * with {@link StreamingContext#keyedState(String, Class, Class)} ({@code get} or {@code scan}).
   *
   * @return a stream of every (key, state) after each batch
   */
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

  /**
   * Says which ids this operator had before it was renamed, so that its state follows it: on
   * restart, a checkpoint that has no state under the operator's id but has some under one of
   * {@code previousIds} (tried in order) restores that state into it, moved to the new id (the
   * next checkpoint has it only there). Without it a renamed operator is refused at start. Once
   * every checkpoint was taken under the new id, the declaration can be removed. Call before start.
   *
   * <pre>{@code
   * counts.name("sessions-by-user").formerly("sessions");
   * }</pre>
   *
   * @return this stream
   * @throws IllegalArgumentException if an id is not a valid state id or is the operator's own
   * @throws IllegalStateException if the context was started
   */
  public MapWithStateDStream<K, V, S, M> formerly(String... previousIds) {
    stateNode.formerly(previousIds);
    return this;
  }
}
