package io.uji.engine.ops;

import io.uji.engine.graph.Node;
import io.uji.streaming.Dataset;
import io.uji.streaming.Time;
import java.util.List;
import java.util.function.Function;

/**
 * A narrow operator: one output partition per input partition, computed by {@code f} from the
 * input partition's list. map, flatMap, filter, mapPartitions, mapValues and flatMapValues are
 * all this node with a different {@code f}.
 */
public final class MapPartitionsNode<T, R> extends Node<R> {
  private final Node<T> parent;
  private final Function<List<T>, List<R>> f;

  public MapPartitionsNode(Node<T> parent, Function<List<T>, List<R>> f) {
    super(parent.graph());
    this.parent = parent;
    this.f = f;
  }

  @Override
  public List<Node<?>> dependencies() {
    return List.of(parent);
  }

  @Override
  protected Dataset<R> compute(Time t) {
    Dataset<T> in = parent.getOrCompute(t);
    return in == null ? null : in.mapEachPartition(f);
  }
}
