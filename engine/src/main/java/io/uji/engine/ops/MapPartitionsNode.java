package io.uji.engine.ops;

import io.uji.engine.exec.Datasets;
import io.uji.engine.graph.Node;
import io.uji.engine.graph.PartitionSource;
import io.uji.engine.graph.Placement;
import io.uji.engine.graph.RecordFunction;
import io.uji.streaming.Dataset;
import io.uji.streaming.Time;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A narrow operator: one output partition per input partition. map, filter, flatMap, mapToPair,
 * mapValues and flatMapValues give a per-record function; mapPartitions a function of the whole
 * partition.
 *
 * <p>A per-record node that only one consumer reads, and that no window remembers, is fused:
 * {@link #sourceAt} pushes its parent's records through the function straight into the consumer,
 * so a chain such as {@code flatMap → mapToPair → reduceByKey} never materializes the
 * intermediate records.
 */
public final class MapPartitionsNode<T, R> extends Node<R> {
  private final Node<T> parent;
  private final Function<List<T>, List<R>> partitionFunction;
  private final RecordFunction<T, R> recordFunction;
  /**
   * Whether the function cannot change a record's key (mapValues, flatMapValues, filter): then
   * every output record stays in the partition of the input record it came from, with its key,
   * and the node keeps its parent's {@link Placement}.
   */
  private final boolean keepsKeys;

  /** A node that transforms whole partitions (mapPartitions). */
  public MapPartitionsNode(Node<T> parent, Function<List<T>, List<R>> f) {
    super(parent.graph());
    this.parent = parent;
    this.partitionFunction = f;
    this.recordFunction = null;
    this.keepsKeys = false;
  }

  /** A node that transforms record by record (map, filter, flatMap, ...); can be fused. */
  public MapPartitionsNode(Node<T> parent, RecordFunction<T, R> f) {
    this(parent, f, false);
  }

  private MapPartitionsNode(Node<T> parent, RecordFunction<T, R> f, boolean keepsKeys) {
    super(parent.graph());
    this.parent = parent;
    this.partitionFunction = null;
    this.recordFunction = f;
    this.keepsKeys = keepsKeys;
  }

  /**
   * A record-by-record node whose function keeps every record's key (mapValues, flatMapValues,
   * filter): it keeps its parent's placement.
   */
  public static <T, R> MapPartitionsNode<T, R> keepingKeys(Node<T> parent, RecordFunction<T, R> f) {
    return new MapPartitionsNode<>(parent, f, true);
  }

  @Override
  public Placement placement() {
    return keepsKeys ? parent.placement() : Placement.NONE;
  }

  @Override
  public List<Node<?>> dependencies() {
    return List.of(parent);
  }

  private boolean fusible(Time t) {
    return recordFunction != null && consumers() == 1 && rememberDuration() != null
        && rememberDuration().equals(slideDuration()) && cached(t) == null;
  }

  @Override
  public PartitionSource<R> sourceAt(Time t) {
    if (!fusible(t)) {
      return super.sourceAt(t);
    }
    PartitionSource<T> in = parent.sourceAt(t);
    return in == null ? null : new Fused<>(in, recordFunction);
  }

  @Override
  protected Dataset<R> compute(Time t) {
    if (partitionFunction != null) {
      Dataset<T> in = parent.getOrCompute(t);
      return in == null ? null : in.mapEachPartition(partitionFunction);
    }
    PartitionSource<T> in = parent.sourceAt(t);
    if (in == null) {
      return null;
    }
    int n = in.numPartitions();
    @SuppressWarnings("unchecked")
    List<R>[] out = new List[n];
    RecordFunction<T, R> f = recordFunction;
    in.runPartitions(graph.pool(), p -> {
      List<R> list = new ArrayList<>(in.sizeHint(p));
      Consumer<R> add = list::add;
      in.push(p, x -> f.apply(x, add));
      out[p] = list;
    });
    List<List<R>> parts = new ArrayList<>(n);
    for (List<R> l : out) {
      parts.add(l);
    }
    return Datasets.of(parts, graph.pool());
  }

  /** The parent's records pushed through this node's function. */
  private record Fused<T, R>(PartitionSource<T> in, RecordFunction<T, R> f) implements PartitionSource<R> {
    @Override
    public int numPartitions() {
      return in.numPartitions();
    }

    @Override
    public int sizeHint(int p) {
      return in.sizeHint(p);
    }

    @Override
    public void push(int p, Consumer<? super R> sink) {
      RecordFunction<T, R> fn = f;
      in.push(p, x -> fn.apply(x, sink));
    }
  }
}
