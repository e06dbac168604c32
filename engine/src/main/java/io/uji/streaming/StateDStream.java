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
}
