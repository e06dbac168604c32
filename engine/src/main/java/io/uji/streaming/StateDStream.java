package io.uji.streaming;

import io.uji.engine.state.KeyedStateNode;

/**
 * The result of {@link PairDStream#updateStateByKey}: every (key, state) after each batch, a
 * keyed stream like any other, that can also be named.
 *
 * @param <K> key type
 * @param <S> state type
 */
public final class StateDStream<K, S> extends PairDStream<K, S> {
  private final KeyedStateNode<K, ?, S, S, Pair<K, S>> stateNode;

  StateDStream(StreamingContext ssc, KeyedStateNode<K, ?, S, S, Pair<K, S>> node) {
    super(new DStream<>(ssc, node));
    this.stateNode = node;
  }

  /**
   * Gives the operator a stable id (see {@link MapWithStateDStream#name}). Call before start.
   *
   * @throws IllegalArgumentException if another stateful operator has that name or it is not a
   *     valid id
   * @throws IllegalStateException if the context was started
   */
  public StateDStream<K, S> name(String id) {
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
   * totals.name("totals-by-user").formerly("totals");
   * }</pre>
   *
   * @return this stream
   * @throws IllegalArgumentException if an id is not a valid state id or is the operator's own
   * @throws IllegalStateException if the context was started
   */
  public StateDStream<K, S> formerly(String... previousIds) {
    stateNode.formerly(previousIds);
    return this;
  }

  /**
   * Declares the exact key and state classes, as {@link StateSpec#types} does for mapWithState:
   * a restart whose checkpoint holds state of other types is refused at start, naming the
   * operator, instead of failing later with a {@code ClassCastException} in the update function;
   * a key or state of another class fails the batch that produces it. A key of a final class is
   * then stored without a class id; the checkpoint records how its keys are stored, so removing
   * the declaration later still reads them. Call before start.
   *
   * @return this stream
   * @throws IllegalStateException if the context was started
   */
  public StateDStream<K, S> types(Class<K> key, Class<S> state) {
    stateNode.declareTypes(key, state);
    return this;
  }
}
