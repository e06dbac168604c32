package io.uji.streaming;

import io.uji.engine.exec.WorkerPool;
import io.uji.engine.ops.CoGroupNode;
import io.uji.engine.ops.Joins;
import io.uji.engine.ops.ShuffleNode;
import io.uji.engine.ops.SortByKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BinaryOperator;
import java.util.function.Function;

/**
 * A dataset of key-value pairs with the keyed operations of Spark's {@code JavaPairRDD}: joins,
 * cogroup, sortByKey, reduceByKey, groupByKey. Inside a {@code transform} or {@code
 * foreachBatch} of a keyed stream, take one with {@link #of}:
 *
 * <pre>{@code
 * clicks.transformWithToPair(users, (c, u) -> PairDataset.of(c).join(u));
 * }</pre>
 *
 * <p>Without a number of partitions or a {@link Partitioner}, a shuffle keeps this dataset's
 * number of partitions (the larger of the two for a join or cogroup), as Spark's default
 * partitioner does when no default parallelism is set. Keys must not be null: a keyed operation
 * that meets a null key throws a {@link NullPointerException} naming it.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class PairDataset<K, V> extends Dataset<Pair<K, V>> {

  PairDataset(List<List<Pair<K, V>>> partitions, WorkerPool pool) {
    super(partitions, pool);
  }

  /**
   * @return {@code pairs} as a keyed dataset: the same partitions, transformed on the same threads
   *     (no copy); {@code pairs} itself if it is one
   */
  public static <K, V> PairDataset<K, V> of(Dataset<Pair<K, V>> pairs) {
    Objects.requireNonNull(pairs, "pairs");
    if (pairs instanceof PairDataset<K, V> p) {
      return p;
    }
    return new PairDataset<>(pairs.partitions(), pairs.pool());
  }

  private int defaultPartitions(Dataset<?> other) {
    return Math.max(numPartitions(), other.numPartitions());
  }

  // ---------------------------------------------------------------- per key, one side

  /** @return the keys, partition by partition */
  public Dataset<K> keys() {
    return map(Pair::key);
  }

  /** @return the values, partition by partition */
  public Dataset<V> values() {
    return map(Pair::value);
  }

  /** @return the pairs with their values mapped, keys and partitions unchanged */
  public <W> PairDataset<K, W> mapValues(Function<? super V, ? extends W> f) {
    Objects.requireNonNull(f, "f");
    return of(map(kv -> new Pair<>(kv.key(), f.apply(kv.value()))));
  }

  /**
   * Spark's collectAsMap: every pair in a map; of pairs with equal keys, the last one in
   * partition order wins.
   */
  public Map<K, V> collectAsMap() {
    Map<K, V> m = new HashMap<>();
    for (List<Pair<K, V>> p : partitions()) {
      for (Pair<K, V> kv : p) {
        m.put(kv.key(), kv.value());
      }
    }
    return m;
  }

  /** @return per key, its values reduced with {@code f}, in this dataset's number of partitions */
  public PairDataset<K, V> reduceByKey(BinaryOperator<V> f) {
    return reduceByKey(f, numPartitions());
  }

  /** @return per key, its values reduced with {@code f}, in {@code numPartitions} hash partitions */
  public PairDataset<K, V> reduceByKey(BinaryOperator<V> f, int numPartitions) {
    return reduceByKey(f, new HashPartitioner(numPartitions));
  }

  /** @return per key, its values reduced with {@code f}, partitioned by {@code partitioner} */
  public PairDataset<K, V> reduceByKey(BinaryOperator<V> f, Partitioner partitioner) {
    Objects.requireNonNull(f, "f");
    Objects.requireNonNull(partitioner, "partitioner");
    return of(ShuffleNode.combine(this, Function.identity(), f, f, partitioner, "reduceByKey"));
  }

  /** @return every key with the list of its values, in this dataset's number of partitions */
  public PairDataset<K, List<V>> groupByKey() {
    return groupByKey(numPartitions());
  }

  /** @return every key with the list of its values, in {@code numPartitions} hash partitions */
  public PairDataset<K, List<V>> groupByKey(int numPartitions) {
    return groupByKey(new HashPartitioner(numPartitions));
  }

  /** @return every key with the list of its values, partitioned by {@code partitioner} */
  public PairDataset<K, List<V>> groupByKey(Partitioner partitioner) {
    Objects.requireNonNull(partitioner, "partitioner");
    return of(ShuffleNode.combine(this, v -> {
      List<V> l = new ArrayList<>();
      l.add(v);
      return l;
    }, (l, v) -> {
      l.add(v);
      return l;
    }, (a, b) -> {
      a.addAll(b);
      return a;
    }, partitioner, "groupByKey"));
  }

  // ---------------------------------------------------------------- two sides

  /** @return for every key of either dataset, the values from each side */
  public <W> PairDataset<K, Pair<List<V>, List<W>>> cogroup(Dataset<Pair<K, W>> other) {
    return cogroup(other, defaultPartitions(other));
  }

  /** As {@link #cogroup(Dataset)}, in {@code numPartitions} hash partitions. */
  public <W> PairDataset<K, Pair<List<V>, List<W>>> cogroup(Dataset<Pair<K, W>> other, int numPartitions) {
    return cogroup(other, new HashPartitioner(numPartitions));
  }

  /** As {@link #cogroup(Dataset)}, partitioned by {@code partitioner}. */
  public <W> PairDataset<K, Pair<List<V>, List<W>>> cogroup(Dataset<Pair<K, W>> other, Partitioner partitioner) {
    return cogroup(other, partitioner, "cogroup");
  }

  private <W> PairDataset<K, Pair<List<V>, List<W>>> cogroup(Dataset<Pair<K, W>> other, Partitioner partitioner,
      String operator) {
    Objects.requireNonNull(other, "other");
    Objects.requireNonNull(partitioner, "partitioner");
    return of(CoGroupNode.cogroup(this, other, partitioner, pool() != null ? pool() : other.pool(), operator));
  }

  /** @return the inner join: every (k, (v, w)) for keys on both sides */
  public <W> PairDataset<K, Pair<V, W>> join(Dataset<Pair<K, W>> other) {
    return join(other, defaultPartitions(other));
  }

  /** As {@link #join(Dataset)}, in {@code numPartitions} hash partitions. */
  public <W> PairDataset<K, Pair<V, W>> join(Dataset<Pair<K, W>> other, int numPartitions) {
    return join(other, new HashPartitioner(numPartitions));
  }

  /** As {@link #join(Dataset)}, partitioned by {@code partitioner}. */
  public <W> PairDataset<K, Pair<V, W>> join(Dataset<Pair<K, W>> other, Partitioner partitioner) {
    return joinValues(cogroup(other, partitioner, "join"), Joins::inner);
  }

  /** @return every (k, (v, w)), or (k, (v, empty)) for a v without a matching w */
  public <W> PairDataset<K, Pair<V, Optional<W>>> leftOuterJoin(Dataset<Pair<K, W>> other) {
    return leftOuterJoin(other, defaultPartitions(other));
  }

  /** As {@link #leftOuterJoin(Dataset)}, in {@code numPartitions} hash partitions. */
  public <W> PairDataset<K, Pair<V, Optional<W>>> leftOuterJoin(Dataset<Pair<K, W>> other, int numPartitions) {
    return leftOuterJoin(other, new HashPartitioner(numPartitions));
  }

  /** As {@link #leftOuterJoin(Dataset)}, partitioned by {@code partitioner}. */
  public <W> PairDataset<K, Pair<V, Optional<W>>> leftOuterJoin(Dataset<Pair<K, W>> other,
      Partitioner partitioner) {
    return joinValues(cogroup(other, partitioner, "leftOuterJoin"), Joins::leftOuter);
  }

  /** @return every (k, (v, w)), or (k, (empty, w)) for a w without a matching v */
  public <W> PairDataset<K, Pair<Optional<V>, W>> rightOuterJoin(Dataset<Pair<K, W>> other) {
    return rightOuterJoin(other, defaultPartitions(other));
  }

  /** As {@link #rightOuterJoin(Dataset)}, in {@code numPartitions} hash partitions. */
  public <W> PairDataset<K, Pair<Optional<V>, W>> rightOuterJoin(Dataset<Pair<K, W>> other, int numPartitions) {
    return rightOuterJoin(other, new HashPartitioner(numPartitions));
  }

  /** As {@link #rightOuterJoin(Dataset)}, partitioned by {@code partitioner}. */
  public <W> PairDataset<K, Pair<Optional<V>, W>> rightOuterJoin(Dataset<Pair<K, W>> other,
      Partitioner partitioner) {
    return joinValues(cogroup(other, partitioner, "rightOuterJoin"), Joins::rightOuter);
  }

  /** @return every (k, (v, w)), with empty on the side that has no value for k */
  public <W> PairDataset<K, Pair<Optional<V>, Optional<W>>> fullOuterJoin(Dataset<Pair<K, W>> other) {
    return fullOuterJoin(other, defaultPartitions(other));
  }

  /** As {@link #fullOuterJoin(Dataset)}, in {@code numPartitions} hash partitions. */
  public <W> PairDataset<K, Pair<Optional<V>, Optional<W>>> fullOuterJoin(Dataset<Pair<K, W>> other,
      int numPartitions) {
    return fullOuterJoin(other, new HashPartitioner(numPartitions));
  }

  /** As {@link #fullOuterJoin(Dataset)}, partitioned by {@code partitioner}. */
  public <W> PairDataset<K, Pair<Optional<V>, Optional<W>>> fullOuterJoin(Dataset<Pair<K, W>> other,
      Partitioner partitioner) {
    return joinValues(cogroup(other, partitioner, "fullOuterJoin"), Joins::fullOuter);
  }

  /** For a cogrouped dataset: each key's groups to the key's joined values. */
  private static <K, G, R> PairDataset<K, R> joinValues(PairDataset<K, G> grouped, Function<G, List<R>> join) {
    return of(grouped.mapEachPartition(in -> {
      List<Pair<K, R>> out = new ArrayList<>();
      for (Pair<K, G> kv : in) {
        for (R r : join.apply(kv.value())) {
          out.add(new Pair<>(kv.key(), r));
        }
      }
      return out;
    }));
  }

  // ---------------------------------------------------------------- order

  /** @return the pairs sorted by the keys' natural order, ascending, in as many partitions */
  public PairDataset<K, V> sortByKey() {
    return sortByKey(true);
  }

  /** @return the pairs sorted by the keys' natural order, in as many partitions */
  public PairDataset<K, V> sortByKey(boolean ascending) {
    return sortByKey(ascending, numPartitions());
  }

  /**
   * Spark's sortByKey: the pairs ordered by key into {@code numPartitions} partitions of
   * consecutive key ranges, so that {@link #collect()} returns them in order; pairs with equal
   * keys keep their input order and stay in one partition.
   *
   * @throws ClassCastException if a key is not {@link Comparable} (pass a {@link Comparator})
   * @throws IllegalArgumentException if {@code numPartitions} is not positive
   */
  public PairDataset<K, V> sortByKey(boolean ascending, int numPartitions) {
    return sortByKey(null, ascending, numPartitions);
  }

  /** @return the pairs sorted by key in {@code comparator}'s order, ascending, in as many partitions */
  public PairDataset<K, V> sortByKey(Comparator<? super K> comparator) {
    return sortByKey(comparator, true);
  }

  /** @return the pairs sorted by key in {@code comparator}'s order, in as many partitions */
  public PairDataset<K, V> sortByKey(Comparator<? super K> comparator, boolean ascending) {
    return sortByKey(comparator, ascending, numPartitions());
  }

  /**
   * As {@link #sortByKey(boolean, int)}, in {@code comparator}'s order (null: the natural order).
   *
   * @throws IllegalArgumentException if {@code numPartitions} is not positive
   */
  public PairDataset<K, V> sortByKey(Comparator<? super K> comparator, boolean ascending, int numPartitions) {
    return new PairDataset<>(SortByKey.sort(this, comparator, ascending, numPartitions), pool());
  }
}
