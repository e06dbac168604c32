package io.uji.streaming;

import io.uji.engine.graph.Node;
import io.uji.engine.ops.CoGroupNode;
import io.uji.engine.ops.Joins;
import io.uji.engine.ops.MapPartitionsNode;
import io.uji.engine.ops.ReducedWindowNode;
import io.uji.engine.ops.ShuffleNode;
import io.uji.engine.state.MapWithStateNode;
import io.uji.engine.state.UpdateStateIteratorNode;
import io.uji.engine.state.UpdateStateNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A stream of key-value pairs (Spark's JavaPairDStream): the keyed operators. Every shuffle takes
 * an optional number of partitions (default: the context's default parallelism) or a
 * {@link Partitioner}.
 *
 * <p>Keys must not be null: a keyed operator that meets a record with a null key fails the batch
 * with a {@link NullPointerException} naming the operator.
 *
 * <p>The operators that keep the stream keyed ({@link #filter}, {@link #window}, {@link #union},
 * {@link #repartition}) return a {@code PairDStream}, as in Spark's Java API.
 *
 * @param <K> key type
 * @param <V> value type
 */
public class PairDStream<K, V> extends DStream<Pair<K, V>> {

  PairDStream(DStream<Pair<K, V>> stream) {
    super(stream.ssc, stream.node);
  }

  private PairDStream(StreamingContext ssc, Node<Pair<K, V>> node) {
    super(ssc, node);
  }

  private static Partitioner partitioner(int numPartitions) {
    return new HashPartitioner(numPartitions);
  }

  private int defaultPartitions() {
    return ssc.config().defaultParallelism();
  }

  private <K2, V2> PairDStream<K2, V2> pair(Node<Pair<K2, V2>> n) {
    return new PairDStream<>(ssc, n);
  }

  // ---------------------------------------------------------------- keeping the stream keyed

  /** The pairs for which {@code f} is true; still a keyed stream. */
  @Override
  public PairDStream<K, V> filter(Predicate<? super Pair<K, V>> f) {
    return pair(filterNode(f));
  }

  /** The pairs of this stream and {@code other} (same slide duration); still a keyed stream. */
  @Override
  public PairDStream<K, V> union(DStream<Pair<K, V>> other) {
    return pair(unionNode(other));
  }

  /** Spreads every batch evenly over {@code numPartitions} partitions; still a keyed stream. */
  @Override
  public PairDStream<K, V> repartition(int numPartitions) {
    return new PairDStream<>(super.repartition(numPartitions));
  }

  /** The pairs of the last {@code windowDuration}, every batch; still a keyed stream. */
  @Override
  public PairDStream<K, V> window(Duration windowDuration) {
    return new PairDStream<>(super.window(windowDuration));
  }

  /** As {@link #window(Duration)}. */
  @Override
  public PairDStream<K, V> window(java.time.Duration windowDuration) {
    return window(Duration.of(windowDuration));
  }

  /**
   * Every {@code slideDuration}, the pairs of the last {@code windowDuration}; still a keyed
   * stream.
   *
   * @throws IllegalArgumentException as {@link DStream#window(Duration, Duration)}
   */
  @Override
  public PairDStream<K, V> window(Duration windowDuration, Duration slideDuration) {
    return new PairDStream<>(super.window(windowDuration, slideDuration));
  }

  /** As {@link #window(Duration, Duration)}. */
  @Override
  public PairDStream<K, V> window(java.time.Duration windowDuration, java.time.Duration slideDuration) {
    return window(Duration.of(windowDuration), Duration.of(slideDuration));
  }

  /** As {@link DStream#checkpoint(Duration)}; returns this keyed stream. */
  @Override
  public PairDStream<K, V> checkpoint(Duration interval) {
    requestCheckpoint(interval);
    return this;
  }

  /** As {@link #checkpoint(Duration)}. */
  @Override
  public PairDStream<K, V> checkpoint(java.time.Duration interval) {
    return checkpoint(Duration.of(interval));
  }

  // ---------------------------------------------------------------- values

  /** Keys unchanged, values mapped. */
  public <W> PairDStream<K, W> mapValues(Function<? super V, ? extends W> f) {
    Objects.requireNonNull(f, "f");
    return pair(MapPartitionsNode.<Pair<K, V>, Pair<K, W>>keepingKeys(node,
        (Pair<K, V> kv, Consumer<? super Pair<K, W>> out) -> out.accept(new Pair<>(kv.key(), f.apply(kv.value())))));
  }

  /** Each value to zero or more values, keeping the key. */
  public <W> PairDStream<K, W> flatMapValues(Function<? super V, ? extends Iterable<? extends W>> f) {
    Objects.requireNonNull(f, "f");
    return pair(MapPartitionsNode.<Pair<K, V>, Pair<K, W>>keepingKeys(node,
        (Pair<K, V> kv, Consumer<? super Pair<K, W>> out) -> {
          for (W w : f.apply(kv.value())) {
            out.accept(new Pair<>(kv.key(), w));
          }
        }));
  }

  /** The keys. */
  public DStream<K> keys() {
    return map(Pair::key);
  }

  /** The values. */
  public DStream<V> values() {
    return map(Pair::value);
  }

  // ---------------------------------------------------------------- per-batch aggregations

  /** Per batch, the values of each key reduced with {@code f} (associative and commutative). */
  public PairDStream<K, V> reduceByKey(BinaryOperator<V> f) {
    return reduceByKey(f, defaultPartitions());
  }

  /** As {@link #reduceByKey(BinaryOperator)}, in {@code numPartitions} hash partitions. */
  public PairDStream<K, V> reduceByKey(BinaryOperator<V> f, int numPartitions) {
    return reduceByKey(f, partitioner(numPartitions));
  }

  /** As {@link #reduceByKey(BinaryOperator)}, partitioned by {@code partitioner}. */
  public PairDStream<K, V> reduceByKey(BinaryOperator<V> f, Partitioner partitioner) {
    return reduceByKey(f, partitioner, "reduceByKey");
  }

  /** reduceByKey as part of {@code operator} (named in errors). */
  PairDStream<K, V> reduceByKey(BinaryOperator<V> f, Partitioner partitioner, String operator) {
    Objects.requireNonNull(f, "f");
    return combineByKey(Function.identity(), f, f, partitioner, operator);
  }

  /** Per batch, every key with the list of its values. */
  public PairDStream<K, List<V>> groupByKey() {
    return groupByKey(defaultPartitions());
  }

  /** As {@link #groupByKey()}, in {@code numPartitions} hash partitions. */
  public PairDStream<K, List<V>> groupByKey(int numPartitions) {
    return groupByKey(partitioner(numPartitions));
  }

  /** As {@link #groupByKey()}, partitioned by {@code partitioner}. */
  public PairDStream<K, List<V>> groupByKey(Partitioner partitioner) {
    return groupByKey(partitioner, "groupByKey");
  }

  private PairDStream<K, List<V>> groupByKey(Partitioner partitioner, String operator) {
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
    }, partitioner, operator);
  }

  /** Spark's combineByKey, with map-side combining. */
  public <C> PairDStream<K, C> combineByKey(Function<? super V, ? extends C> createCombiner,
      BiFunction<C, ? super V, C> mergeValue, BinaryOperator<C> mergeCombiners) {
    return combineByKey(createCombiner, mergeValue, mergeCombiners, defaultPartitions());
  }

  /** As {@link #combineByKey(Function, BiFunction, BinaryOperator)}, in {@code numPartitions} hash partitions. */
  public <C> PairDStream<K, C> combineByKey(Function<? super V, ? extends C> createCombiner,
      BiFunction<C, ? super V, C> mergeValue, BinaryOperator<C> mergeCombiners, int numPartitions) {
    return combineByKey(createCombiner, mergeValue, mergeCombiners, partitioner(numPartitions));
  }

  /** As {@link #combineByKey(Function, BiFunction, BinaryOperator)}, partitioned by {@code partitioner}. */
  public <C> PairDStream<K, C> combineByKey(Function<? super V, ? extends C> createCombiner,
      BiFunction<C, ? super V, C> mergeValue, BinaryOperator<C> mergeCombiners, Partitioner partitioner) {
    return combineByKey(createCombiner, mergeValue, mergeCombiners, partitioner, "combineByKey");
  }

  /**
   * Spark's overload with {@code mapSideCombine}: the result is the same either way, and Uji always
   * combines on the map side (within one JVM nothing is saved by not combining).
   */
  public <C> PairDStream<K, C> combineByKey(Function<? super V, ? extends C> createCombiner,
      BiFunction<C, ? super V, C> mergeValue, BinaryOperator<C> mergeCombiners, Partitioner partitioner,
      boolean mapSideCombine) {
    return combineByKey(createCombiner, mergeValue, mergeCombiners, partitioner);
  }

  private <C> PairDStream<K, C> combineByKey(Function<? super V, ? extends C> createCombiner,
      BiFunction<C, ? super V, C> mergeValue, BinaryOperator<C> mergeCombiners, Partitioner partitioner,
      String operator) {
    Objects.requireNonNull(createCombiner, "createCombiner");
    Objects.requireNonNull(mergeValue, "mergeValue");
    Objects.requireNonNull(mergeCombiners, "mergeCombiners");
    Objects.requireNonNull(partitioner, "partitioner");
    return pair(new ShuffleNode<>(node, createCombiner, mergeValue, mergeCombiners, partitioner, operator));
  }

  // ---------------------------------------------------------------- joins

  /** For every key in either stream's batch, the values from each side. */
  public <W> PairDStream<K, Pair<List<V>, List<W>>> cogroup(PairDStream<K, W> other) {
    return cogroup(other, defaultPartitions());
  }

  /** As {@link #cogroup(PairDStream)}, in {@code numPartitions} hash partitions. */
  public <W> PairDStream<K, Pair<List<V>, List<W>>> cogroup(PairDStream<K, W> other, int numPartitions) {
    return cogroup(other, partitioner(numPartitions));
  }

  /** As {@link #cogroup(PairDStream)}, partitioned by {@code partitioner}. */
  public <W> PairDStream<K, Pair<List<V>, List<W>>> cogroup(PairDStream<K, W> other, Partitioner partitioner) {
    return cogroup(other, partitioner, "cogroup");
  }

  private <W> PairDStream<K, Pair<List<V>, List<W>>> cogroup(PairDStream<K, W> other, Partitioner partitioner,
      String operator) {
    checkSameContext(other, operator);
    Objects.requireNonNull(partitioner, "partitioner");
    return pair(new CoGroupNode<>(node, other.node, partitioner, operator));
  }

  /** Inner join of each batch: every (v, w) for keys present on both sides. */
  public <W> PairDStream<K, Pair<V, W>> join(PairDStream<K, W> other) {
    return join(other, defaultPartitions());
  }

  /** As {@link #join(PairDStream)}, in {@code numPartitions} hash partitions. */
  public <W> PairDStream<K, Pair<V, W>> join(PairDStream<K, W> other, int numPartitions) {
    return join(other, partitioner(numPartitions));
  }

  /** As {@link #join(PairDStream)}, partitioned by {@code partitioner}. */
  public <W> PairDStream<K, Pair<V, W>> join(PairDStream<K, W> other, Partitioner partitioner) {
    return cogroup(other, partitioner, "join").flatMapValues(Joins::inner);
  }

  /** Left outer join: every v, with each matching w or empty. */
  public <W> PairDStream<K, Pair<V, Optional<W>>> leftOuterJoin(PairDStream<K, W> other) {
    return leftOuterJoin(other, defaultPartitions());
  }

  /** As {@link #leftOuterJoin(PairDStream)}, in {@code numPartitions} hash partitions. */
  public <W> PairDStream<K, Pair<V, Optional<W>>> leftOuterJoin(PairDStream<K, W> other, int numPartitions) {
    return leftOuterJoin(other, partitioner(numPartitions));
  }

  /** As {@link #leftOuterJoin(PairDStream)}, partitioned by {@code partitioner}. */
  public <W> PairDStream<K, Pair<V, Optional<W>>> leftOuterJoin(PairDStream<K, W> other, Partitioner partitioner) {
    return cogroup(other, partitioner, "leftOuterJoin").flatMapValues(Joins::leftOuter);
  }

  /** Right outer join: every w, with each matching v or empty. */
  public <W> PairDStream<K, Pair<Optional<V>, W>> rightOuterJoin(PairDStream<K, W> other) {
    return rightOuterJoin(other, defaultPartitions());
  }

  /** As {@link #rightOuterJoin(PairDStream)}, in {@code numPartitions} hash partitions. */
  public <W> PairDStream<K, Pair<Optional<V>, W>> rightOuterJoin(PairDStream<K, W> other, int numPartitions) {
    return rightOuterJoin(other, partitioner(numPartitions));
  }

  /** As {@link #rightOuterJoin(PairDStream)}, partitioned by {@code partitioner}. */
  public <W> PairDStream<K, Pair<Optional<V>, W>> rightOuterJoin(PairDStream<K, W> other, Partitioner partitioner) {
    return cogroup(other, partitioner, "rightOuterJoin").flatMapValues(Joins::rightOuter);
  }

  /** Full outer join: every pair, with empty on the side that has no value for the key. */
  public <W> PairDStream<K, Pair<Optional<V>, Optional<W>>> fullOuterJoin(PairDStream<K, W> other) {
    return fullOuterJoin(other, defaultPartitions());
  }

  /** As {@link #fullOuterJoin(PairDStream)}, in {@code numPartitions} hash partitions. */
  public <W> PairDStream<K, Pair<Optional<V>, Optional<W>>> fullOuterJoin(PairDStream<K, W> other,
      int numPartitions) {
    return fullOuterJoin(other, partitioner(numPartitions));
  }

  /** As {@link #fullOuterJoin(PairDStream)}, partitioned by {@code partitioner}. */
  public <W> PairDStream<K, Pair<Optional<V>, Optional<W>>> fullOuterJoin(PairDStream<K, W> other,
      Partitioner partitioner) {
    return cogroup(other, partitioner, "fullOuterJoin").flatMapValues(Joins::fullOuter);
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
   * state) after each batch. Hash-partitioned in the default parallelism. Declare the key and
   * state types with {@link StateDStream#types} and give the operator a stable name with {@link
   * StateDStream#name}.
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

  /**
   * Spark's full time-aware overload; {@code rememberPartitioner} is accepted for compatibility:
   * Uji's state always stays partitioned by {@code partitioner}, and the results are the same.
   *
   * @param initialState may be null
   */
  public <S> StateDStream<K, S> updateStateByKey(Function4<Time, K, List<V>, Optional<S>, Optional<S>> f,
      Partitioner partitioner, boolean rememberPartitioner, Dataset<Pair<K, S>> initialState) {
    return updateStateByKey(f, partitioner, initialState);
  }

  /** The time-aware variant in the default hash partitioning, without initial state. */
  public <S> StateDStream<K, S> updateStateByKey(Function4<Time, K, List<V>, Optional<S>, Optional<S>> f) {
    return updateStateByKey(f, partitioner(defaultPartitions()), null);
  }

  /**
   * Spark's iterator variant: each batch, per state partition, calls {@code f} once with an
   * iterator over every key of the partition that has state or data — its values in the batch
   * (in batch order, empty if none) and its state (empty if none) — and takes the (key, state)
   * pairs it returns as the partition's new state: a key it does not return loses its state.
   * It may return keys it was not given, if they belong to the partition ({@code partitioner}
   * puts them there). The stream holds the returned pairs after each batch.
   *
   * @param rememberPartitioner accepted for compatibility with Spark: the state always stays
   *     partitioned by {@code partitioner}
   * @throws NullPointerException if {@code f} or {@code partitioner} is null
   */
  public <S> StateDStream<K, S> updateStateByKey(
      Function<Iterator<StateUpdate<K, V, S>>, Iterator<Pair<K, S>>> f, Partitioner partitioner,
      boolean rememberPartitioner) {
    return updateStateByKey(f, partitioner, rememberPartitioner, null);
  }

  /**
   * As {@link #updateStateByKey(Function, Partitioner, boolean)}, starting from {@code
   * initialState} (loaded on a fresh start only, never over restored state; may be null).
   */
  public <S> StateDStream<K, S> updateStateByKey(
      Function<Iterator<StateUpdate<K, V, S>>, Iterator<Pair<K, S>>> f, Partitioner partitioner,
      boolean rememberPartitioner, Dataset<Pair<K, S>> initialState) {
    Objects.requireNonNull(f, "f");
    Objects.requireNonNull(partitioner, "partitioner");
    UpdateStateIteratorNode<K, V, S> n = new UpdateStateIteratorNode<>(node, f, partitioner, initialState);
    ssc.graph().addStateful(n);
    return new StateDStream<>(ssc, n);
  }

  // ---------------------------------------------------------------- windows

  /** Per key, the values of the last {@code windowDuration} reduced, every batch. */
  public PairDStream<K, V> reduceByKeyAndWindow(BinaryOperator<V> f, Duration windowDuration) {
    return reduceByKeyAndWindow(f, windowDuration, slideDuration());
  }

  /** As {@link #reduceByKeyAndWindow(BinaryOperator, Duration)}. */
  public PairDStream<K, V> reduceByKeyAndWindow(BinaryOperator<V> f, java.time.Duration windowDuration) {
    return reduceByKeyAndWindow(f, Duration.of(windowDuration));
  }

  /** Every {@code slideDuration}, per key, the values of the last {@code windowDuration} reduced. */
  public PairDStream<K, V> reduceByKeyAndWindow(BinaryOperator<V> f, Duration windowDuration,
      Duration slideDuration) {
    return reduceByKeyAndWindow(f, windowDuration, slideDuration, defaultPartitions());
  }

  /** As {@link #reduceByKeyAndWindow(BinaryOperator, Duration, Duration)}. */
  public PairDStream<K, V> reduceByKeyAndWindow(BinaryOperator<V> f, java.time.Duration windowDuration,
      java.time.Duration slideDuration) {
    return reduceByKeyAndWindow(f, Duration.of(windowDuration), Duration.of(slideDuration));
  }

  /** As Spark: reduce per batch, window, reduce again, in {@code numPartitions} hash partitions. */
  public PairDStream<K, V> reduceByKeyAndWindow(BinaryOperator<V> f, Duration windowDuration,
      Duration slideDuration, int numPartitions) {
    return reduceByKeyAndWindow(f, windowDuration, slideDuration, partitioner(numPartitions));
  }

  /** As {@link #reduceByKeyAndWindow(BinaryOperator, Duration, Duration, int)}. */
  public PairDStream<K, V> reduceByKeyAndWindow(BinaryOperator<V> f, java.time.Duration windowDuration,
      java.time.Duration slideDuration, int numPartitions) {
    return reduceByKeyAndWindow(f, Duration.of(windowDuration), Duration.of(slideDuration), numPartitions);
  }

  /** As {@link #reduceByKeyAndWindow(BinaryOperator, Duration, Duration)}, partitioned by {@code partitioner}. */
  public PairDStream<K, V> reduceByKeyAndWindow(BinaryOperator<V> f, Duration windowDuration,
      Duration slideDuration, Partitioner partitioner) {
    String op = "reduceByKeyAndWindow";
    return reduceByKey(f, partitioner, op).window(windowDuration, slideDuration).reduceByKey(f, partitioner, op);
  }

  /** As {@link #reduceByKeyAndWindow(BinaryOperator, Duration, Duration, Partitioner)}. */
  public PairDStream<K, V> reduceByKeyAndWindow(BinaryOperator<V> f, java.time.Duration windowDuration,
      java.time.Duration slideDuration, Partitioner partitioner) {
    return reduceByKeyAndWindow(f, Duration.of(windowDuration), Duration.of(slideDuration), partitioner);
  }

  /**
   * Incremental windowed reduce: the previous window's values, plus the batches that entered
   * ({@code f}), minus the batches that left ({@code invF}).
   */
  public PairDStream<K, V> reduceByKeyAndWindow(BinaryOperator<V> f, BinaryOperator<V> invF,
      Duration windowDuration, Duration slideDuration) {
    return reduceByKeyAndWindow(f, invF, windowDuration, slideDuration, defaultPartitions(), null);
  }

  /** As {@link #reduceByKeyAndWindow(BinaryOperator, BinaryOperator, Duration, Duration)}. */
  public PairDStream<K, V> reduceByKeyAndWindow(BinaryOperator<V> f, BinaryOperator<V> invF,
      java.time.Duration windowDuration, java.time.Duration slideDuration) {
    return reduceByKeyAndWindow(f, invF, Duration.of(windowDuration), Duration.of(slideDuration));
  }

  /**
   * Incremental windowed reduce in {@code numPartitions} hash partitions; keys for which {@code
   * filter} (may be null) is false are dropped (e.g. counts that fell to zero).
   */
  public PairDStream<K, V> reduceByKeyAndWindow(BinaryOperator<V> f, BinaryOperator<V> invF,
      Duration windowDuration, Duration slideDuration, int numPartitions, Predicate<Pair<K, V>> filter) {
    return reduceByKeyAndWindow(f, invF, windowDuration, slideDuration, partitioner(numPartitions), filter);
  }

  /** As {@link #reduceByKeyAndWindow(BinaryOperator, BinaryOperator, Duration, Duration, int, Predicate)}. */
  public PairDStream<K, V> reduceByKeyAndWindow(BinaryOperator<V> f, BinaryOperator<V> invF,
      java.time.Duration windowDuration, java.time.Duration slideDuration, int numPartitions,
      Predicate<Pair<K, V>> filter) {
    return reduceByKeyAndWindow(f, invF, Duration.of(windowDuration), Duration.of(slideDuration), numPartitions,
        filter);
  }

  /**
   * Incremental windowed reduce partitioned by {@code partitioner}; keys for which {@code filter}
   * (may be null) is false are dropped.
   */
  public PairDStream<K, V> reduceByKeyAndWindow(BinaryOperator<V> f, BinaryOperator<V> invF,
      Duration windowDuration, Duration slideDuration, Partitioner partitioner, Predicate<Pair<K, V>> filter) {
    return reduceByKeyAndWindow(f, invF, windowDuration, slideDuration, partitioner, filter, "reduceByKeyAndWindow");
  }

  /** The incremental windowed reduce as part of {@code operator} (named in errors). */
  PairDStream<K, V> reduceByKeyAndWindow(BinaryOperator<V> f, BinaryOperator<V> invF, Duration windowDuration,
      Duration slideDuration, Partitioner partitioner, Predicate<Pair<K, V>> filter, String operator) {
    Objects.requireNonNull(f, "f");
    Objects.requireNonNull(invF, "invF");
    Objects.requireNonNull(partitioner, "partitioner");
    PairDStream<K, V> perBatch = reduceByKey(f, partitioner, operator);
    return pair(new ReducedWindowNode<>(perBatch.node, f, invF, filter, windowDuration, slideDuration,
        partitioner, operator));
  }

  /** As {@link #reduceByKeyAndWindow(BinaryOperator, BinaryOperator, Duration, Duration, Partitioner, Predicate)}. */
  public PairDStream<K, V> reduceByKeyAndWindow(BinaryOperator<V> f, BinaryOperator<V> invF,
      java.time.Duration windowDuration, java.time.Duration slideDuration, Partitioner partitioner,
      Predicate<Pair<K, V>> filter) {
    return reduceByKeyAndWindow(f, invF, Duration.of(windowDuration), Duration.of(slideDuration), partitioner,
        filter);
  }

  /** Per key, all values of each window. */
  public PairDStream<K, List<V>> groupByKeyAndWindow(Duration windowDuration) {
    return groupByKeyAndWindow(windowDuration, slideDuration());
  }

  /** As {@link #groupByKeyAndWindow(Duration)}. */
  public PairDStream<K, List<V>> groupByKeyAndWindow(java.time.Duration windowDuration) {
    return groupByKeyAndWindow(Duration.of(windowDuration));
  }

  /** Every {@code slideDuration}, per key, all values of the last {@code windowDuration}. */
  public PairDStream<K, List<V>> groupByKeyAndWindow(Duration windowDuration, Duration slideDuration) {
    return groupByKeyAndWindow(windowDuration, slideDuration, defaultPartitions());
  }

  /** As {@link #groupByKeyAndWindow(Duration, Duration)}. */
  public PairDStream<K, List<V>> groupByKeyAndWindow(java.time.Duration windowDuration,
      java.time.Duration slideDuration) {
    return groupByKeyAndWindow(Duration.of(windowDuration), Duration.of(slideDuration));
  }

  /** As {@link #groupByKeyAndWindow(Duration, Duration)}, in {@code numPartitions} hash partitions. */
  public PairDStream<K, List<V>> groupByKeyAndWindow(Duration windowDuration, Duration slideDuration,
      int numPartitions) {
    return groupByKeyAndWindow(windowDuration, slideDuration, partitioner(numPartitions));
  }

  /** As {@link #groupByKeyAndWindow(Duration, Duration, int)}. */
  public PairDStream<K, List<V>> groupByKeyAndWindow(java.time.Duration windowDuration,
      java.time.Duration slideDuration, int numPartitions) {
    return groupByKeyAndWindow(Duration.of(windowDuration), Duration.of(slideDuration), numPartitions);
  }

  /** As {@link #groupByKeyAndWindow(Duration, Duration)}, partitioned by {@code partitioner}. */
  public PairDStream<K, List<V>> groupByKeyAndWindow(Duration windowDuration, Duration slideDuration,
      Partitioner partitioner) {
    return window(windowDuration, slideDuration).groupByKey(partitioner, "groupByKeyAndWindow");
  }

  /** As {@link #groupByKeyAndWindow(Duration, Duration, Partitioner)}. */
  public PairDStream<K, List<V>> groupByKeyAndWindow(java.time.Duration windowDuration,
      java.time.Duration slideDuration, Partitioner partitioner) {
    return groupByKeyAndWindow(Duration.of(windowDuration), Duration.of(slideDuration), partitioner);
  }
}
