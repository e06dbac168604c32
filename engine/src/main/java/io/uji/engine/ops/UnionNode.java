package io.uji.engine.ops;

import io.uji.engine.exec.Datasets;
import io.uji.engine.graph.Node;
import io.uji.streaming.Dataset;
import io.uji.streaming.Time;
import java.util.ArrayList;
import java.util.List;

/** The partitions of several streams of the same slide, one after the other. */
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
  protected Dataset<T> compute(Time t) {
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
}
