package io.uji.engine.graph;

import io.uji.streaming.Dataset;
import io.uji.streaming.Time;
import java.util.function.BiConsumer;

/**
 * An output operation (foreachBatch, print, saveAsTextFiles, ...): runs at every batch time at
 * which its parent has a dataset. A user function that holds a resource (a Kafka producer, say)
 * is closed by {@link #close} when the context stops, after its last batch.
 */
public final class OutputOperation<T> {
  private final Node<T> parent;
  private final String name;
  private final BiConsumer<Dataset<T>, Time> action;
  private final AutoCloseable resource;
  private final int id;

  public OutputOperation(Node<T> parent, String name, BiConsumer<Dataset<T>, Time> action) {
    this(parent, name, action, null);
  }

  /**
   * @param resource what {@link #close} closes when the context stops (the user's function when
   *     it is {@link AutoCloseable}), or null
   */
  public OutputOperation(Node<T> parent, String name, BiConsumer<Dataset<T>, Time> action, AutoCloseable resource) {
    this.parent = parent;
    this.name = name;
    this.action = action;
    this.resource = resource;
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

  /**
   * Closes the operation's resource, if it has one. Called once when the context stops, after
   * the last batch ran (or was interrupted).
   *
   * @throws Exception what the resource's {@code close} throws
   */
  public void close() throws Exception {
    if (resource != null) {
      resource.close();
    }
  }
}
