package io.uji.engine.ops;

import io.uji.engine.exec.Datasets;
import io.uji.engine.exec.WorkerPool;
import io.uji.engine.graph.Keys;
import io.uji.engine.graph.Node;
import io.uji.streaming.Dataset;
import io.uji.streaming.Pair;
import io.uji.streaming.Partitioner;
import io.uji.streaming.Time;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Spark's cogroup of two keyed streams over one batch: for every key in either, the values from
 * each side (in input order). The joins are flatMapValues over this node ({@link Joins}).
 */
public final class CoGroupNode<K, V, W> extends Node<Pair<K, Pair<List<V>, List<W>>>> {
  private final Node<Pair<K, V>> left;
  private final Node<Pair<K, W>> right;
  private final Partitioner partitioner;
  private final String operator;

  /**
   * @param operator the operator the user called ("join", "cogroup", ...), named in errors
   * @throws IllegalArgumentException if the two streams have different slide durations
   */
  public CoGroupNode(Node<Pair<K, V>> left, Node<Pair<K, W>> right, Partitioner partitioner, String operator) {
    super(left.graph());
    if (!left.slideDuration().equals(right.slideDuration())) {
      throw new IllegalArgumentException("cannot join or cogroup streams with different slide durations: "
          + left.slideDuration() + " and " + right.slideDuration());
    }
    this.left = left;
    this.right = right;
    this.partitioner = partitioner;
    this.operator = operator;
  }

  @Override
  public List<Node<?>> dependencies() {
    return List.of(left, right);
  }

  @Override
  protected Dataset<Pair<K, Pair<List<V>, List<W>>>> compute(Time t) {
    Dataset<Pair<K, V>> l = left.getOrCompute(t);
    Dataset<Pair<K, W>> r = right.getOrCompute(t);
    if (l == null && r == null) {
      return null;
    }
    return cogroup(l == null ? Datasets.empty(1, graph.pool()) : l, r == null ? Datasets.empty(1, graph.pool()) : r,
        partitioner, graph.pool(), operator);
  }

  /**
   * The cogroup of two keyed datasets: each side's records are bucketed by output partition (in
   * parallel over input partitions), then each output partition groups its buckets by key.
   *
   * @param pool runs the partitions, or null for the calling thread
   * @param operator the operator the user called, named in errors
   * @throws NullPointerException if a record or its key is null
   */
  public static <K, V, W> Dataset<Pair<K, Pair<List<V>, List<W>>>> cogroup(Dataset<Pair<K, V>> l,
      Dataset<Pair<K, W>> r, Partitioner partitioner, WorkerPool pool, String operator) {
    int n = partitioner.numPartitions();
    List<Dataset<? extends Pair<K, ?>>> sides = List.of(l, r);
    @SuppressWarnings("unchecked")
    List<Pair<K, ?>>[][][] buckets = new List[2][][];
    for (int s = 0; s < 2; s++) {
      Dataset<? extends Pair<K, ?>> d = sides.get(s);
      @SuppressWarnings("unchecked")
      List<Pair<K, ?>>[][] forSide = new List[d.numPartitions()][n];
      buckets[s] = forSide;
      d.runPartitions(i -> {
        for (Pair<K, ?> kv : d.partitions().get(i)) {
          int p = partitioner.getPartition(Keys.of(kv, operator));
          List<Pair<K, ?>> b = forSide[i][p];
          if (b == null) {
            b = forSide[i][p] = new ArrayList<>();
          }
          b.add(kv);
        }
      });
    }
    @SuppressWarnings("unchecked")
    List<Pair<K, Pair<List<V>, List<W>>>>[] out = new List[n];
    Dataset<Object> outputs = Datasets.empty(n, pool);
    outputs.runPartitions(p -> {
      Map<K, Pair<List<V>, List<W>>> groups = new HashMap<>();
      for (int s = 0; s < 2; s++) {
        for (List<Pair<K, ?>>[] fromInput : buckets[s]) {
          List<Pair<K, ?>> b = fromInput[p];
          if (b == null) {
            continue;
          }
          for (Pair<K, ?> kv : b) {
            Pair<List<V>, List<W>> g = groups.computeIfAbsent(kv.key(), k -> new Pair<>(new ArrayList<>(), new ArrayList<>()));
            if (s == 0) {
              addTo(g.key(), kv.value());
            } else {
              addTo(g.value(), kv.value());
            }
          }
        }
      }
      List<Pair<K, Pair<List<V>, List<W>>>> list = new ArrayList<>(groups.size());
      for (Map.Entry<K, Pair<List<V>, List<W>>> e : groups.entrySet()) {
        list.add(new Pair<>(e.getKey(), e.getValue()));
      }
      out[p] = list;
    });
    return Datasets.of(new ArrayList<>(List.of(out)), pool);
  }

  @SuppressWarnings("unchecked")
  private static <X> void addTo(List<X> list, Object value) {
    list.add((X) value);
  }
}
