package io.uji.engine.ops;

import io.uji.engine.exec.Datasets;
import io.uji.engine.graph.Node;
import io.uji.engine.graph.Placement;
import io.uji.streaming.Dataset;
import io.uji.streaming.Time;
import java.util.ArrayList;
import java.util.List;

/**
 * The partitions of several streams of the same slide, one after the other; or, when every parent
 * is placed by origin alike ({@link Placement}), partition-wise: partition i of the union is
 * partition i of each parent, so the union keeps the placement.
 */
public final class UnionNode<T> extends Node<T> {
  private final List<Node<T>> parents;

  /**
   * @throws IllegalArgumentException if there are no parents, or they differ in slide duration
   *     or belong to different contexts
   */
  public UnionNode(List<Node<T>> parents) {
    super(SameSlide.check(parents, "union").graph());
    this.parents = List.copyOf(parents);
  }

  @Override
  public List<Node<?>> dependencies() {
    return new ArrayList<>(parents);
  }

  @Override
  public Placement placement() {
    Placement first = parents.get(0).placement();
    for (Node<T> p : parents) {
      if (!p.placement().equals(first)) {
        return Placement.NONE;
      }
    }
    return first;
  }

  @Override
  protected Dataset<T> compute(Time t) {
    Placement placement = placement();
    if (placement.isByOrigin()) {
      return partitionWise(t, placement.partitions());
    }
    List<List<T>> parts = new ArrayList<>();
    for (Node<T> p : parents) {
      Dataset<T> d = p.getOrCompute(t);
      if (d != null) {
        parts.addAll(d.partitions());
      }
    }
    if (parts.isEmpty()) {
      parts.add(List.of());
    }
    return Datasets.of(parts, graph.pool());
  }

  private Dataset<T> partitionWise(Time t, int n) {
    List<List<T>> parts = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      parts.add(new ArrayList<>());
    }
    for (Node<T> p : parents) {
      Dataset<T> d = p.getOrCompute(t);
      if (d == null) {
        continue;
      }
      List<List<T>> in = d.partitions();
      if (in.size() != n) {
        throw new IllegalStateException(p + " is placed by origin over " + n + " partitions but has " + in.size());
      }
      for (int i = 0; i < n; i++) {
        parts.get(i).addAll(in.get(i));
      }
    }
    return Datasets.of(parts, graph.pool());
  }
}
