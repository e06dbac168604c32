package io.uji.engine.graph;

import io.uji.engine.hooks.StateView;
import io.uji.streaming.Time;
import java.util.List;

/**
 * A node that keeps keyed state across batches (updateStateByKey, mapWithState). The batch
 * runner computes every stateful node each batch (even without a downstream output, so state
 * never depends on which outputs exist), then commits them in registration order.
 */
public interface StatefulNode {
  /** @return the operator's stable id: the column family of its state and its key in checkpoints */
  String stateId();

  /** @return whether the program named the operator ({@code .name(...)}), rather than leaving it a derived id */
  boolean named();

  /**
   * @return the ids the operator had in earlier versions of the program ({@code .formerly(...)}),
   *     newest first: a checkpoint that has state under one of them (and none under {@link
   *     #stateId()}) is the operator's state
   */
  List<String> formerIds();

  /**
   * @return the operator's kind as checkpoints name it ("mapWithState", "updateStateByKey"):
   *     stable, never a class name
   */
  String kind();

  /** @return the node itself */
  Node<?> node();

  /** @return the number of state partitions (fixed for the life of the checkpoint directory) */
  int numPartitions();

  /** Called once at start, before the first batch, to attach the context's state store. */
  void open(StateBinding binding);

  /** Called after every output of batch {@code t} ran: the batch's state changes are final. */
  void commit(Time t);

  /**
   * @return whether computing a batch failed: the state may be partly updated, so the batch
   *     must not be retried or skipped, and the node refuses to compute again (the context stops;
   *     recovery rebuilds the state from the last checkpoint)
   */
  boolean failed();

  /** @return the operator in the user's terms, e.g. {@code updateStateByKey 'totals'} */
  String describe();

  /**
   * @return the key and state classes seen so far as {@code "keyClass/stateClass"} (null before
   *     any), stored in checkpoints to detect a program whose types changed
   */
  String typeSignature();

  /**
   * Runs {@code action} while no query reads this operator's state (a checkpoint's capture
   * changes the cache's bookkeeping).
   */
  <X> X exclusively(java.util.function.Supplier<X> action);

  /**
   * @param keyType the key type the caller expects, or null for any
   * @param stateType the state type the caller expects, or null for any
   * @return a read-only view of the state for queries from any thread
   * @throws IllegalArgumentException if the operator's declared or observed types are not these
   */
  <K, S> io.uji.streaming.KeyedState<K, S> queryable(Class<K> keyType, Class<S> stateType);

  /** @return the operator's figures now, for the status page and metrics; safe from any thread */
  StateView view();
}
