package io.uji.engine.ops;

import io.uji.engine.graph.Node;
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
 */
public final class ShuffleNode<K, V, C> extends Node<Pair<K, C>> {
  private final Node<Pair<K, V>> parent;
  private final Function<? super V, ? extends C> createCombiner;
  private final BiFunction<C, ? super V, C> mergeValue;
  private final BinaryOperator<C> mergeCombiners;
  private final Partitioner partitioner;

  public ShuffleNode(Node<Pair<K, V>> parent, Function<? super V, ? extends C> createCombiner,
      BiFunction<C, ? super V, C> mergeValue, BinaryOperator<C> mergeCombiners, Partitioner partitioner) {
    super(parent.graph());
    this.parent = parent;
    this.createCombiner = createCombiner;
    this.mergeValue = mergeValue;
    this.mergeCombiners = mergeCombiners;
    this.partitioner = partitioner;
  }

  @Override
  public List<Node<?>> dependencies() {
    return List.of(parent);
  }

  @Override
  protected Dataset<Pair<K, C>> compute(Time t) {
    Dataset<Pair<K, V>> in = parent.getOrCompute(t);
    return in == null ? null : combine(in, createCombiner, mergeValue, mergeCombiners, partitioner);
  }

  /** combineByKey of one dataset; also used directly by window operators. */
  public static <K, V, C> Dataset<Pair<K, C>> combine(Dataset<Pair<K, V>> in,
      Function<? super V, ? extends C> createCombiner, BiFunction<C, ? super V, C> mergeValue,
      BinaryOperator<C> mergeCombiners, Partitioner partitioner) {
    int m = in.numPartitions();
    int n = partitioner.numPartitions();
    @SuppressWarnings("unchecked")
    Map<K, C>[][] buckets = new Map[m][n];
    in.runPartitions(i -> {
      Map<K, C>[] mine = buckets[i];
      for (Pair<K, V> kv : in.partitions().get(i)) {
        K k = kv.key();
        int p = partitioner.getPartition(k);
        Map<K, C> b = mine[p];
        if (b == null) {
          b = mine[p] = new HashMap<>();
        }
        C c = b.get(k);
        b.put(k, c == null && !b.containsKey(k) ? createCombiner.apply(kv.value()) : mergeValue.apply(c, kv.value()));
      }
    });
    return mergeBuckets(in, buckets, n, mergeCombiners);
  }

  /** Merges per-input-partition maps into {@code n} output partitions, in parallel. */
  static <K, C> Dataset<Pair<K, C>> mergeBuckets(Dataset<?> in, Map<K, C>[][] buckets, int n,
      BinaryOperator<C> mergeCombiners) {
    @SuppressWarnings("unchecked")
    List<Pair<K, C>>[] out = new List[n];
    Dataset<Object> outputs = Dataset.empty(n, in.pool());
    outputs.runPartitions(p -> {
      Map<K, C> merged = null;
      for (Map<K, C>[] fromInput : buckets) {
        Map<K, C> b = fromInput[p];
        if (b == null) {
          continue;
        }
        if (merged == null) {
          merged = b;
        } else {
          for (Map.Entry<K, C> e : b.entrySet()) {
            merged.merge(e.getKey(), e.getValue(), mergeCombiners);
          }
        }
      }
      List<Pair<K, C>> list = new ArrayList<>(merged == null ? 0 : merged.size());
      if (merged != null) {
        for (Map.Entry<K, C> e : merged.entrySet()) {
          list.add(new Pair<>(e.getKey(), e.getValue()));
        }
      }
      out[p] = list;
    });
    return new Dataset<>(new ArrayList<>(List.of(out)), in.pool());
  }
}
