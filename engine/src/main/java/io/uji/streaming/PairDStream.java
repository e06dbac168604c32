package io.uji.streaming;

import io.uji.engine.ops.CoGroupNode;
import io.uji.engine.ops.MapPartitionsNode;
import io.uji.engine.ops.ReducedWindowNode;
import io.uji.engine.ops.ShuffleNode;
import io.uji.engine.state.MapWithStateNode;
import io.uji.engine.state.UpdateStateNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A stream of key-value pairs (Spark's JavaPairDStream): the keyed operators. Every shuffle takes
 * an optional number of partitions (default: the context's default parallelism) or a
 * {@link Partitioner}.
 *
 * @param <K> key type
 * @param <V> value type
 */
public class PairDStream<K, V> extends DStream<Pair<K, V>> {

  PairDStream(DStream<Pair<K, V>> stream) {
    super(stream.ssc, stream.node);
  }

  private Partitioner partitioner(int numPartitions) {
    return new HashPartitioner(numPartitions);
  }

  private int defaultPartitions() {
    return ssc.config().defaultParallelism();
  }

  private <K2, V2> PairDStream<K2, V2> pair(io.uji.engine.graph.Node<Pair<K2, V2>> n) {
    return new PairDStream<>(new DStream<>(ssc, n));
  }

  /** Keys unchanged, values mapped. */
  public <W> PairDStream<K, W> mapValues(Function<? super V, ? extends W> f) {
    Objects.requireNonNull(f, "f");
    return pair(new MapPartitionsNode<Pair<K, V>, Pair<K, W>>(node,
        (Pair<K, V> kv, java.util.function.Consumer<? super Pair<K, W>> out) -> out.accept(new Pair<>(kv.key(), f.apply(kv.value())))));
  }

  /** Each value to zero or more values, keeping the key. */
  public <W> PairDStream<K, W> flatMapValues(Function<? super V, ? extends Iterable<? extends W>> f) {
    Objects.requireNonNull(f, "f");
    return pair(new MapPartitionsNode<Pair<K, V>, Pair<K, W>>(node,
        (Pair<K, V> kv, java.util.function.Consumer<? super Pair<K, W>> out) -> {
          for (W w : f.apply(kv.value())) {
            out.accept(new Pair<>(kv.key(), w));
          }
        }));
  }

  // ---------------------------------------------------------------- per-batch aggregations

  public PairDStream<K, V> reduceByKey(BinaryOperator<V> f) {
    return reduceByKey(f, defaultPartitions());
  }

  public PairDStream<K, V> reduceByKey(BinaryOperator<V> f, int numPartitions) {
    return reduceByKey(f, partitioner(numPartitions));
  }

  public PairDStream<K, V> reduceByKey(BinaryOperator<V> f, Partitioner partitioner) {
    Objects.requireNonNull(f, "f");
    return pair(new ShuffleNode<K, V, V>(node, Function.identity(), f, f, partitioner));
  }

  public PairDStream<K, List<V>> groupByKey() {
    return groupByKey(defaultPartitions());
  }

  public PairDStream<K, List<V>> groupByKey(int numPartitions) {
    return groupByKey(partitioner(numPartitions));
  }

  public PairDStream<K, List<V>> groupByKey(Partitioner partitioner) {
    return combineByKey(v -> {
      List<V> l = new ArrayList<>();
      l.add(v);
      return l;
    }, (l, v) -> {
      l.add(v);
      return l;
    }, (a, b) -> {
      a.addAll(b);
      return a;
    }, partitioner);
  }

  /** Spark's combineByKey, with map-side combining. */
  public <C> PairDStream<K, C> combineByKey(Function<? super V, ? extends C> createCombiner,
      BiFunction<C, ? super V, C> mergeValue, BinaryOperator<C> mergeCombiners) {
    return combineByKey(createCombiner, mergeValue, mergeCombiners, defaultPartitions());
  }

  public <C> PairDStream<K, C> combineByKey(Function<? super V, ? extends C> createCombiner,
      BiFunction<C, ? super V, C> mergeValue, BinaryOperator<C> mergeCombiners, int numPartitions) {
    return combineByKey(createCombiner, mergeValue, mergeCombiners, partitioner(numPartitions));
  }

  public <C> PairDStream<K, C> combineByKey(Function<? super V, ? extends C> createCombiner,
      BiFunction<C, ? super V, C> mergeValue, BinaryOperator<C> mergeCombiners, Partitioner partitioner) {
    Objects.requireNonNull(createCombiner, "createCombiner");
    Objects.requireNonNull(mergeValue, "mergeValue");
    Objects.requireNonNull(mergeCombiners, "mergeCombiners");
    return pair(new ShuffleNode<>(node, createCombiner, mergeValue, mergeCombiners, partitioner));
  }

  // ---------------------------------------------------------------- joins

  /** For every key in either stream's batch, the values from each side. */
  public <W> PairDStream<K, Pair<List<V>, List<W>>> cogroup(PairDStream<K, W> other) {
    return cogroup(other, defaultPartitions());
  }

  public <W> PairDStream<K, Pair<List<V>, List<W>>> cogroup(PairDStream<K, W> other, int numPartitions) {
    return cogroup(other, partitioner(numPartitions));
  }

  public <W> PairDStream<K, Pair<List<V>, List<W>>> cogroup(PairDStream<K, W> other, Partitioner partitioner) {
    return pair(new CoGroupNode<>(node, other.node, partitioner));
  }

  /** Inner join of each batch: every (v, w) for keys present on both sides. */
  public <W> PairDStream<K, Pair<V, W>> join(PairDStream<K, W> other) {
    return join(other, defaultPartitions());
  }

  public <W> PairDStream<K, Pair<V, W>> join(PairDStream<K, W> other, int numPartitions) {
    return cogroup(other, numPartitions).flatMapValues(g -> {
      List<Pair<V, W>> out = new ArrayList<>();
      for (V v : g.key()) {
        for (W w : g.value()) {
          out.add(new Pair<>(v, w));
        }
      }
      return out;
    });
  }

  /** Left outer join: every v, with each matching w or empty. */
  public <W> PairDStream<K, Pair<V, Optional<W>>> leftOuterJoin(PairDStream<K, W> other) {
    return leftOuterJoin(other, defaultPartitions());
  }

  public <W> PairDStream<K, Pair<V, Optional<W>>> leftOuterJoin(PairDStream<K, W> other, int numPartitions) {
    return cogroup(other, numPartitions).flatMapValues(g -> {
      List<Pair<V, Optional<W>>> out = new ArrayList<>();
      for (V v : g.key()) {
        if (g.value().isEmpty()) {
          out.add(new Pair<>(v, Optional.empty()));
        }
        for (W w : g.value()) {
          out.add(new Pair<>(v, Optional.ofNullable(w)));
        }
      }
      return out;
    });
  }

  /** Right outer join: every w, with each matching v or empty. */
  public <W> PairDStream<K, Pair<Optional<V>, W>> rightOuterJoin(PairDStream<K, W> other) {
    return rightOuterJoin(other, defaultPartitions());
  }

  public <W> PairDStream<K, Pair<Optional<V>, W>> rightOuterJoin(PairDStream<K, W> other, int numPartitions) {
    return cogroup(other, numPartitions).flatMapValues(g -> {
      List<Pair<Optional<V>, W>> out = new ArrayList<>();
      for (W w : g.value()) {
        if (g.key().isEmpty()) {
          out.add(new Pair<>(Optional.empty(), w));
        }
        for (V v : g.key()) {
          out.add(new Pair<>(Optional.ofNullable(v), w));
        }
      }
      return out;
    });
  }

  /** Full outer join: every pair, with empty on the side that has no value for the key. */
  public <W> PairDStream<K, Pair<Optional<V>, Optional<W>>> fullOuterJoin(PairDStream<K, W> other) {
    return fullOuterJoin(other, defaultPartitions());
  }

  public <W> PairDStream<K, Pair<Optional<V>, Optional<W>>> fullOuterJoin(PairDStream<K, W> other,
      int numPartitions) {
    return cogroup(other, numPartitions).flatMapValues(g -> {
      List<Pair<Optional<V>, Optional<W>>> out = new ArrayList<>();
      if (g.value().isEmpty()) {
        for (V v : g.key()) {
          out.add(new Pair<>(Optional.ofNullable(v), Optional.empty()));
        }
      } else if (g.key().isEmpty()) {
        for (W w : g.value()) {
          out.add(new Pair<>(Optional.empty(), Optional.ofNullable(w)));
        }
      } else {
        for (V v : g.key()) {
          for (W w : g.value()) {
            out.add(new Pair<>(Optional.ofNullable(v), Optional.ofNullable(w)));
          }
        }
      }
      return out;
    });
  }

  // ---------------------------------------------------------------- keyed state

  /**
   * Spark's mapWithState: calls the spec's function for every record with the key's state, which
   * persists across batches (in RocksDB behind a cache on the heap), and emits what it returns.
   * Only keys with data in the batch, or due to time out, are touched. See {@link StateSpec}.
   */
  public <S, M> MapWithStateDStream<K, V, S, M> mapWithState(StateSpec<K, V, S, M> spec) {
    Objects.requireNonNull(spec, "spec");
    MapWithStateNode<K, V, S, M> n = new MapWithStateNode<>(node, spec.toInternal(), defaultPartitions());
    ssc.graph().addStateful(n);
    return new MapWithStateDStream<>(ssc, n);
  }

  /**
   * Spark's updateStateByKey: each batch, calls {@code f(values, state)} for <em>every</em> key
   * that has state or data (values: the batch's values of the key in batch order, empty if
   * none); the result is the key's new state, empty removes it. The stream holds every (key,
   * state) after each batch. Hash-partitioned in the default parallelism.
   */
  public <S> StateDStream<K, S> updateStateByKey(BiFunction<List<V>, Optional<S>, Optional<S>> f) {
    return updateStateByKey(f, defaultPartitions());
  }

  /** As {@link #updateStateByKey(BiFunction)}, in {@code numPartitions} hash partitions. */
  public <S> StateDStream<K, S> updateStateByKey(BiFunction<List<V>, Optional<S>, Optional<S>> f, int numPartitions) {
    return updateStateByKey(f, partitioner(numPartitions));
  }

  /** As {@link #updateStateByKey(BiFunction)}, partitioned by {@code partitioner}. */
  public <S> StateDStream<K, S> updateStateByKey(BiFunction<List<V>, Optional<S>, Optional<S>> f,
      Partitioner partitioner) {
    return updateStateByKey(f, partitioner, null);
  }

  /**
   * As {@link #updateStateByKey(BiFunction, Partitioner)}, starting from {@code initialState}
   * (loaded on a fresh start only, never over restored state; may be null).
   */
  public <S> StateDStream<K, S> updateStateByKey(BiFunction<List<V>, Optional<S>, Optional<S>> f,
      Partitioner partitioner, Dataset<Pair<K, S>> initialState) {
    Objects.requireNonNull(f, "f");
    return updateStateByKey((t, k, values, state) -> f.apply(values, state), partitioner, initialState);
  }

  /**
   * The time-aware variant (Spark's {@code (Time, K, Seq[V], Option[S]) => Option[S]}): the
   * function also gets the batch time and the key; otherwise as {@link
   * #updateStateByKey(BiFunction, Partitioner, Dataset)}.
   *
   * @param initialState may be null
   */
  public <S> StateDStream<K, S> updateStateByKey(Function4<Time, K, List<V>, Optional<S>, Optional<S>> f,
      Partitioner partitioner, Dataset<Pair<K, S>> initialState) {
    Objects.requireNonNull(f, "f");
    Objects.requireNonNull(partitioner, "partitioner");
    UpdateStateNode<K, V, S> n = new UpdateStateNode<>(node, f, partitioner, initialState);
    ssc.graph().addStateful(n);
    return new StateDStream<>(ssc, n);
  }

  /** The time-aware variant in the default hash partitioning, without initial state. */
  public <S> StateDStream<K, S> updateStateByKey(Function4<Time, K, List<V>, Optional<S>, Optional<S>> f) {
    return updateStateByKey(f, partitioner(defaultPartitions()), null);
  }

  // ---------------------------------------------------------------- windows

  /** Per key, the values of the last {@code windowDuration} reduced, every batch. */
  public PairDStream<K, V> reduceByKeyAndWindow(BinaryOperator<V> f, Duration windowDuration) {
    return reduceByKeyAndWindow(f, windowDuration, slideDuration());
  }

  public PairDStream<K, V> reduceByKeyAndWindow(BinaryOperator<V> f, Duration windowDuration,
      Duration slideDuration) {
    return reduceByKeyAndWindow(f, windowDuration, slideDuration, defaultPartitions());
  }

  /** As Spark: reduce per batch, window, reduce again. */
  public PairDStream<K, V> reduceByKeyAndWindow(BinaryOperator<V> f, Duration windowDuration,
      Duration slideDuration, int numPartitions) {
    return new PairDStream<>(reduceByKey(f, numPartitions).window(windowDuration, slideDuration))
        .reduceByKey(f, numPartitions);
  }

  /**
   * Incremental windowed reduce: the previous window's values, plus the batches that entered
   * ({@code f}), minus the batches that left ({@code invF}); keys for which {@code filter} (may
   * be null) is false are dropped (e.g. counts that fell to zero).
   */
  public PairDStream<K, V> reduceByKeyAndWindow(BinaryOperator<V> f, BinaryOperator<V> invF,
      Duration windowDuration, Duration slideDuration) {
    return reduceByKeyAndWindow(f, invF, windowDuration, slideDuration, defaultPartitions(), null);
  }

  public PairDStream<K, V> reduceByKeyAndWindow(BinaryOperator<V> f, BinaryOperator<V> invF,
      Duration windowDuration, Duration slideDuration, int numPartitions, Predicate<Pair<K, V>> filter) {
    Objects.requireNonNull(f, "f");
    Objects.requireNonNull(invF, "invF");
    PairDStream<K, V> perBatch = reduceByKey(f, numPartitions);
    return pair(new ReducedWindowNode<>(perBatch.node, f, invF, filter, windowDuration, slideDuration,
        partitioner(numPartitions)));
  }

  /** Per key, all values of each window. */
  public PairDStream<K, List<V>> groupByKeyAndWindow(Duration windowDuration) {
    return groupByKeyAndWindow(windowDuration, slideDuration());
  }

  public PairDStream<K, List<V>> groupByKeyAndWindow(Duration windowDuration, Duration slideDuration) {
    return groupByKeyAndWindow(windowDuration, slideDuration, defaultPartitions());
  }

  public PairDStream<K, List<V>> groupByKeyAndWindow(Duration windowDuration, Duration slideDuration,
      int numPartitions) {
    return new PairDStream<>(window(windowDuration, slideDuration)).groupByKey(numPartitions);
  }

  /** The keys. */
  public DStream<K> keys() {
    return map(Pair::key);
  }

  /** The values. */
  public DStream<V> values() {
    return map(Pair::value);
  }
}
