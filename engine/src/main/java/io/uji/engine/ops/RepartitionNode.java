package io.uji.engine.ops;

import io.uji.engine.exec.Datasets;
import io.uji.engine.graph.Node;
import io.uji.streaming.Dataset;
import io.uji.streaming.Time;
import java.util.ArrayList;
import java.util.List;

/** Spreads a batch evenly over {@code n} partitions (Spark's repartition), keeping element order within each source partition. */
public final class RepartitionNode<T> extends Node<T> {
  private final Node<T> parent;
  private final int n;

  public RepartitionNode(Node<T> parent, int n) {
    super(parent.graph());
    if (n <= 0) {
      throw new IllegalArgumentException("numPartitions must be positive, got " + n);
    }
    this.parent = parent;
    this.n = n;
  }

  @Override
  public List<Node<?>> dependencies() {
    return List.of(parent);
  }

  @Override
  protected Dataset<T> compute(Time t) {
    Dataset<T> in = parent.getOrCompute(t);
    if (in == null) {
      return null;
    }
    long total = in.count();
    List<List<T>> parts = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      parts.add(new ArrayList<>((int) (total / n + 1)));
    }
    long i = 0;
    for (List<T> p : in.partitions()) {
      for (T t2 : p) {
        parts.get((int) (i++ * n / Math.max(1, total))).add(t2);
      }
    }
    return Datasets.of(parts, graph.pool());
  }
}
