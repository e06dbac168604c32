package io.uji.engine.graph;

import io.uji.streaming.Dataset;
import io.uji.streaming.Time;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * An output operation (foreachBatch, print, saveAsTextFiles, ...): runs at every batch time at
 * which its parent has a dataset, under its {@link OutputFailurePolicy}. Remembers where the
 * program registered it, to name it in errors. A user function that holds a resource (a Kafka
 * producer, say) is closed by {@link #close} when the context stops, after its last batch.
 */
public final class OutputOperation<T> {
  private final Node<T> parent;
  private final String name;
  private final BiConsumer<Dataset<T>, Time> action;
  private final OutputFailurePolicy<T> policy;
  private final String callSite;
  private final AutoCloseable resource;
  private final int id;

  /** An output operation that stops the context when it fails. */
  public OutputOperation(Node<T> parent, String name, BiConsumer<Dataset<T>, Time> action) {
    this(parent, name, action, OutputFailurePolicy.stop(), null);
  }

  public OutputOperation(Node<T> parent, String name, BiConsumer<Dataset<T>, Time> action,
      OutputFailurePolicy<T> policy) {
    this(parent, name, action, policy, null);
  }

  /**
   * @param resource what {@link #close} closes when the context stops (the user's function when
   *     it is {@link AutoCloseable}), or null
   */
  public OutputOperation(Node<T> parent, String name, BiConsumer<Dataset<T>, Time> action,
      OutputFailurePolicy<T> policy, AutoCloseable resource) {
    this.parent = parent;
    this.name = name;
    this.action = action;
    this.policy = Objects.requireNonNull(policy, "policy");
    this.callSite = CallSite.ofCaller();
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

  public OutputFailurePolicy<T> policy() {
    return policy;
  }

  /** @return the operation and where the program registered it, e.g. "foreachBatch at Job.main(Job.java:42)" */
  public String describe() {
    return callSite == null ? name : name + " at " + callSite;
  }

  /**
   * @return the parent's dataset at {@code t} (computed if needed), or null if it has none (then
   *     the operation does not run)
   */
  public Dataset<T> dataset(Time t) {
    return parent.getOrCompute(t);
  }

  /** Runs the operation's action on batch {@code t}'s dataset. */
  public void apply(Dataset<T> data, Time t) {
    action.accept(data, t);
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
