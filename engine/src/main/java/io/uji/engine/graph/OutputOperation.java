package io.uji.engine.graph;

import io.uji.streaming.Dataset;
import io.uji.streaming.Time;
import java.util.function.BiConsumer;

/**
 * An output operation (foreachBatch, print, saveAsTextFiles, ...): runs at every batch time at
 * which its parent has a dataset.
 */
public final class OutputOperation<T> {
  private final Node<T> parent;
  private final String name;
  private final BiConsumer<Dataset<T>, Time> action;
  private final int id;

  public OutputOperation(Node<T> parent, String name, BiConsumer<Dataset<T>, Time> action) {
    this.parent = parent;
    this.name = name;
    this.action = action;
    this.id = parent.graph().addOutput(this);
  }

  public Node<T> parent() {
    return parent;
  }

  public String name() {
    return name;
  }

  public int id() {
    return id;
  }

  /**
   * Runs the operation for batch {@code t}.
   *
   * @return false if the parent had no dataset at {@code t} (nothing ran)
   */
  public boolean run(Time t) {
    Dataset<T> d = parent.getOrCompute(t);
    if (d == null) {
      return false;
    }
    action.accept(d, t);
    return true;
  }

  /** @return whether the parent produces a dataset at {@code t} (without computing it) */
  public boolean producesAt(Time t) {
    return parent.isTimeValid(t);
  }
}
