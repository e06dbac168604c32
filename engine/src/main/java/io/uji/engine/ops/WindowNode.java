package io.uji.engine.ops;

import io.uji.engine.exec.Datasets;
import io.uji.engine.graph.Node;
import io.uji.streaming.Dataset;
import io.uji.streaming.Duration;
import io.uji.streaming.Time;
import java.util.ArrayList;
import java.util.List;

/**
 * Spark's window: at every slide, the union of the parent's datasets in
 * {@code (t - windowDuration, t]}. Windows at the start of the stream cover the batches that exist.
 */
public final class WindowNode<T> extends Node<T> {
  private final Node<T> parent;
  private final Duration windowDuration;
  private final Duration slide;

  public WindowNode(Node<T> parent, Duration windowDuration, Duration slide) {
    super(parent.graph());
    WindowChecks.check(parent, windowDuration, slide);
    this.parent = parent;
    this.windowDuration = windowDuration;
    this.slide = slide;
  }

  @Override
  public List<Node<?>> dependencies() {
    return List.of(parent);
  }

  @Override
  public Duration slideDuration() {
    return slide;
  }

  @Override
  protected Duration parentRememberDuration() {
    return rememberDuration().plus(windowDuration);
  }

  @Override
  protected Dataset<T> compute(Time t) {
    List<List<T>> parts = new ArrayList<>();
    for (Dataset<T> d : parent.slice(t.minus(windowDuration).plus(parent.slideDuration()), t)) {
      parts.addAll(d.partitions());
    }
    if (parts.isEmpty()) {
      parts.add(List.of());
    }
    return Datasets.of(parts, graph.pool());
  }
}
