package io.uji.engine.ops;

import io.uji.engine.exec.Datasets;
import io.uji.engine.exec.WorkerPool;
import io.uji.engine.graph.Keys;
import io.uji.engine.graph.Node;
import io.uji.engine.graph.PartitionSource;
import io.uji.engine.graph.Placement;
import io.uji.streaming.Dataset;
import io.uji.streaming.Pair;
import io.uji.streaming.Partitioner;
import io.uji.streaming.Time;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import java.util.function.Function;

/**
 * Spark's combineByKey over one batch: every input partition combines its records per key into
 * one map per output partition (map-side combine, in parallel), then every output partition
 * merges the maps meant for it (in parallel). reduceByKey, groupByKey and countByValue are this
 * node.
 *
 * <p>Over a parent placed by origin ({@link Placement}) every key's records are in one partition
 * already: each partition is combined on its own, in parallel, without a shuffle (Spark skips the
 * shuffle when the parent's partitioner fits, the same idea), and the output keeps the placement.
 */
public final class ShuffleNode<K, V, C> extends Node<Pair<K, C>> {
  private final Node<Pair<K, V>> parent;
  private final Function<? super V, ? extends C> createCombiner;
  private final BiFunction<C, ? super V, C> mergeValue;
  private final BinaryOperator<C> mergeCombiners;
  private final Partitioner partitioner;
  private final String operator;
  /** How many keys this node's maps took in the last batch: the next batch's start that large. */
  private final KeysHint keysHint = new KeysHint();

  /** @param operator the operator the user called ("reduceByKey", "countByValue", ...), named in errors */
  public ShuffleNode(Node<Pair<K, V>> parent, Function<? super V, ? extends C> createCombiner,
      BiFunction<C, ? super V, C> mergeValue, BinaryOperator<C> mergeCombiners, Partitioner partitioner,
      String operator) {
    super(parent.graph());
    this.parent = parent;
    this.createCombiner = createCombiner;
    this.mergeValue = mergeValue;
    this.mergeCombiners = mergeCombiners;
    this.partitioner = partitioner;
    this.operator = operator;
  }

  @Override
  public List<Node<?>> dependencies() {
    return List.of(parent);
  }

  @Override
  public Placement placement() {
    return parent.placement();
  }

  @Override
  protected Dataset<Pair<K, C>> compute(Time t) {
    PartitionSource<Pair<K, V>> in = parent.sourceAt(t);
    if (in == null) {
      return null;
    }
    if (parent.placement().isByOrigin()) {
      return combineLocally(in, graph.pool(), createCombiner, mergeValue, operator, keysHint);
    }
    return combine(in, graph.pool(), createCombiner, mergeValue, mergeCombiners, partitioner, operator, keysHint);
  }

  /**
   * The most keys one map of a batch held, kept for the next batch: a map that starts at that
   * size is not rehashed through a dozen doublings while it fills (a batch of a million records
   * over a million users grows each map to ~200 k keys). Batches of one stream tend to look
   * alike; one that has fewer keys leaves part of a table empty, which costs less than the
   * doublings.
   */
  static final class KeysHint {
    /** Above this a map grows by doubling, as without a hint (a table of 4 M slots is 16–32 MiB). */
    private static final int MAX_KEYS = 3 << 20;

    private volatile int keys;

    /** @return an empty map sized for as many keys as the last batch's largest */
    <K, C> Map<K, C> newMap() {
      int k = keys;
      return k == 0 ? new HashMap<>() : new HashMap<>(k / 3 * 4 + 4); // k keys below the 0.75 load factor
    }

    /** Remembers the size of the largest of a batch's maps. */
    void record(int largest) {
      keys = Math.min(largest, MAX_KEYS);
    }
  }

  /** combineByKey of each partition on its own: output partition i holds the keys of input partition i. */
  static <K, V, C> Dataset<Pair<K, C>> combineLocally(PartitionSource<Pair<K, V>> in, WorkerPool pool,
      Function<? super V, ? extends C> createCombiner, BiFunction<C, ? super V, C> mergeValue, String operator,
      KeysHint hint) {
    int n = in.numPartitions();
    @SuppressWarnings("unchecked")
    List<Pair<K, C>>[] out = new List[n];
    int[] sizes = new int[n];
    in.runPartitions(pool, i -> {
      Map<K, Combiner<C>> combined = hint.newMap();
      in.push(i, kv -> {
        K k = Keys.of(kv, operator);
        Combiner<C> c = combined.get(k);
        if (c == null) {
          combined.put(k, new Combiner<>(createCombiner.apply(kv.value())));
        } else {
          c.value = mergeValue.apply(c.value, kv.value());
        }
      });
      List<Pair<K, C>> list = new ArrayList<>(combined.size());
      for (Map.Entry<K, Combiner<C>> e : combined.entrySet()) {
        list.add(new Pair<>(e.getKey(), e.getValue().value));
      }
      out[i] = list;
      sizes[i] = combined.size();
    });
    hint.record(max(sizes));
    return Datasets.of(new ArrayList<>(List.of(out)), pool);
  }

  private static int max(int[] values) {
    int m = 0;
    for (int v : values) {
      m = Math.max(m, v);
    }
    return m;
  }

  /**
   * combineByKey of one dataset; also used directly by window operators and keyed datasets.
   *
   * @param operator the operator the user called, named in errors
   * @throws NullPointerException if a record or its key is null
   */
  public static <K, V, C> Dataset<Pair<K, C>> combine(Dataset<Pair<K, V>> in,
      Function<? super V, ? extends C> createCombiner, BiFunction<C, ? super V, C> mergeValue,
      BinaryOperator<C> mergeCombiners, Partitioner partitioner, String operator) {
    return combine(PartitionSource.of(in), Datasets.pool(in), createCombiner, mergeValue, mergeCombiners, partitioner,
        operator, new KeysHint());
  }

  /**
   * combineByKey of the records pushed by {@code in}: each input partition combines into one map
   * per output partition (in parallel), then each output partition merges its maps (in
   * parallel). Combining costs one hash lookup per record.
   */
  static <K, V, C> Dataset<Pair<K, C>> combine(PartitionSource<Pair<K, V>> in, WorkerPool pool,
      Function<? super V, ? extends C> createCombiner, BiFunction<C, ? super V, C> mergeValue,
      BinaryOperator<C> mergeCombiners, Partitioner partitioner, String operator, KeysHint hint) {
    int m = in.numPartitions();
    int n = partitioner.numPartitions();
    @SuppressWarnings("unchecked")
    Map<K, Combiner<C>>[][] buckets = new Map[m][n];
    in.runPartitions(pool, i -> {
      Map<K, Combiner<C>>[] mine = buckets[i];
      in.push(i, kv -> {
        K k = Keys.of(kv, operator);
        int p = partitioner.getPartition(k);
        Map<K, Combiner<C>> b = mine[p];
        if (b == null) {
          b = mine[p] = hint.newMap();
        }
        Combiner<C> c = b.get(k);
        if (c == null) {
          b.put(k, new Combiner<>(createCombiner.apply(kv.value())));
        } else {
          c.value = mergeValue.apply(c.value, kv.value());
        }
      });
    });
    int largest = 0;
    for (Map<K, Combiner<C>>[] fromInput : buckets) {
      for (Map<K, Combiner<C>> b : fromInput) {
        largest = Math.max(largest, b == null ? 0 : b.size());
      }
    }
    hint.record(largest);
    return mergeBuckets(pool, buckets, n, mergeCombiners);
  }

  /** A mutable slot, so that merging a value into a key's combiner needs no second lookup. */
  static final class Combiner<C> {
    C value;

    Combiner(C value) {
      this.value = value;
    }
  }

  /** Merges per-input-partition maps into {@code n} output partitions, in parallel. */
  static <K, C> Dataset<Pair<K, C>> mergeBuckets(WorkerPool pool, Map<K, Combiner<C>>[][] buckets, int n,
      BinaryOperator<C> mergeCombiners) {
    @SuppressWarnings("unchecked")
    List<Pair<K, C>>[] out = new List[n];
    Dataset<Object> outputs = Datasets.empty(n, pool);
    outputs.runPartitions(p -> {
      Map<K, Combiner<C>> merged = null;
      for (Map<K, Combiner<C>>[] fromInput : buckets) {
        Map<K, Combiner<C>> b = fromInput[p];
        if (b == null) {
          continue;
        }
        if (merged == null) {
          merged = b;
        } else {
          for (Map.Entry<K, Combiner<C>> e : b.entrySet()) {
            Combiner<C> c = merged.get(e.getKey());
            if (c == null) {
              merged.put(e.getKey(), e.getValue());
            } else {
              c.value = mergeCombiners.apply(c.value, e.getValue().value);
            }
          }
        }
      }
      List<Pair<K, C>> list = new ArrayList<>(merged == null ? 0 : merged.size());
      if (merged != null) {
        for (Map.Entry<K, Combiner<C>> e : merged.entrySet()) {
          list.add(new Pair<>(e.getKey(), e.getValue().value));
        }
      }
      out[p] = list;
    });
    List<List<Pair<K, C>>> parts = new ArrayList<>(n);
    for (List<Pair<K, C>> l : out) {
      parts.add(l);
    }
    return Datasets.of(parts, pool);
  }
}
