package io.uji.engine.ops;

import io.uji.engine.exec.Datasets;
import io.uji.engine.graph.Node;
import io.uji.streaming.Dataset;
import io.uji.streaming.Duration;
import io.uji.streaming.Time;
import java.util.ArrayList;
import java.util.List;

/** The partitions of several streams of the same slide, one after the other. */
public final class UnionNode<T> extends Node<T> {
  private final List<Node<T>> parents;

  public UnionNode(List<Node<T>> parents) {
    super(parents.get(0).graph());
    Duration slide = parents.get(0).slideDuration();
    for (Node<T> p : parents) {
      if (!p.slideDuration().equals(slide)) {
        throw new IllegalArgumentException("union of streams with different slide durations: "
            + slide + " and " + p.slideDuration());
      }
    }
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
