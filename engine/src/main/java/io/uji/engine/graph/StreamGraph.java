package io.uji.engine.graph;

import io.uji.engine.exec.WorkerPool;
import io.uji.streaming.Duration;
import io.uji.streaming.Time;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The program of one context: its nodes, input nodes, output operations and stateful nodes.
 * Built on the user's thread before start; read-only afterwards (adding throws).
 */
public final class StreamGraph {
  private final Duration batchInterval;
  private final int defaultParallelism;
  private final List<Node<?>> nodes = new ArrayList<>();
  private final List<InputNode<?, ?, ?>> inputs = new ArrayList<>();
  private final List<OutputOperation<?>> outputs = new ArrayList<>();
  private final List<StatefulNode> statefulNodes = new ArrayList<>();
  /** The group the program runs in, or null (set at start). */
  private volatile String group;
  /** Where the program created each stateful operator (identity: nodes do not define equals). */
  private final java.util.Map<StatefulNode, String> statefulCallSites = new java.util.IdentityHashMap<>();
  private volatile boolean frozen;
  private WorkerPool pool;
  private Duration userRememberDuration;
  private Time zeroTime;
  /**
   * Held by the batch runner while it runs a batch, and by whoever else reads nodes' datasets
   * (a user's {@code slice}): computing a node is not thread-safe.
   */
  private final ReentrantLock batchLock = new ReentrantLock();
  /** The batch being run (under {@link #batchLock}), or null between batches. */
  private Time runningBatch;

  public StreamGraph(Duration batchInterval, int defaultParallelism) {
    if (batchInterval == null || !batchInterval.isPositive()) {
      throw new IllegalArgumentException("The batch interval must be positive, got " + batchInterval);
    }
    this.batchInterval = batchInterval;
    this.defaultParallelism = defaultParallelism;
  }

  public Duration batchInterval() {
    return batchInterval;
  }

  public int defaultParallelism() {
    return defaultParallelism;
  }

  /** @return the pool datasets are transformed on (set at start) */
  public WorkerPool pool() {
    return pool;
  }

  public void setPool(WorkerPool pool) {
    this.pool = pool;
  }

  synchronized int register(Node<?> node) {
    checkNotFrozen();
    nodes.add(node);
    if (node instanceof InputNode<?, ?, ?> in) {
      inputs.add(in);
    }
    return nodes.size() - 1;
  }

  public synchronized int addOutput(OutputOperation<?> out) {
    checkNotFrozen();
    outputs.add(out);
    return outputs.size() - 1;
  }

  /**
   * Registers a stateful node. Its id is not checked here: a derived id may equal a name given
   * earlier, and the program may still rename the node; {@link #freeze()} checks the final ids.
   */
  public synchronized void addStateful(StatefulNode node) {
    checkNotFrozen();
    statefulNodes.add(node);
    String site = CallSite.ofCaller();
    if (site != null) {
      statefulCallSites.put(node, site);
    }
  }

  /**
   * @return where the program created the stateful operator {@code node} ("class.method(File.java:line)"),
   *     or null if unknown; for errors that must point at the program's line
   */
  public synchronized String callSite(StatefulNode node) {
    return statefulCallSites.get(node);
  }

  /**
   * The one check that stateful ids are unique, against the ids as they are now: when a node is
   * named, and for every node at start.
   *
   * @throws IllegalArgumentException if a stateful operator other than {@code owner} has the id
   */
  public synchronized void checkStateIdFree(String id, StatefulNode owner) {
    for (StatefulNode s : statefulNodes) {
      if (s != owner && s.stateId().equals(id)) {
        throw new IllegalArgumentException("Two stateful operators have the id '" + id
            + "'; give each a distinct name with .name(...)");
      }
    }
  }

  /**
   * A former id ({@code .formerly(...)}) says where an operator's state was: it must not be
   * another operator's id, nor the former id of two operators.
   */
  private void checkFormerIds() {
    java.util.Map<String, StatefulNode> claimed = new java.util.HashMap<>();
    for (StatefulNode s : statefulNodes) {
      for (String former : s.formerIds()) {
        for (StatefulNode other : statefulNodes) {
          if (other != s && other.stateId().equals(former)) {
            throw new IllegalArgumentException("'" + former + "' is a former id of the stateful operator '"
                + s.stateId() + "' and the id of another one, " + other.describe() + ": state recorded under it"
                + " cannot go to both; remove one of them");
          }
        }
        StatefulNode before = claimed.put(former, s);
        if (before != null && before != s) {
          throw new IllegalArgumentException("The stateful operators '" + before.stateId() + "' and '" + s.stateId()
              + "' both say they were formerly '" + former + "'; its state can go to one only");
        }
      }
    }
  }

  /** Records that the program runs in group {@code applicationId} (at start). */
  public void runInGroup(String applicationId) {
    group = applicationId;
  }

  /** @return the application id of the group the program runs in, or null outside a group */
  public String group() {
    return group;
  }

  /** @return whether the context started: the graph can no longer change */
  public boolean isFrozen() {
    return frozen;
  }

  private void checkNotFrozen() {
    if (frozen) {
      throw new IllegalStateException("Adding new inputs, transformations, and output operations after "
          + "starting a context is not supported");
    }
  }

  public List<InputNode<?, ?, ?>> inputs() {
    return Collections.unmodifiableList(inputs);
  }

  public List<OutputOperation<?>> outputs() {
    return Collections.unmodifiableList(outputs);
  }

  public List<StatefulNode> statefulNodes() {
    return Collections.unmodifiableList(statefulNodes);
  }

  public List<Node<?>> nodes() {
    return Collections.unmodifiableList(nodes);
  }

  public void remember(Duration d) {
    checkNotFrozen();
    userRememberDuration = d;
  }

  /** Freezes the graph. Validates it; throws IllegalArgumentException / IllegalStateException. */
  public synchronized void freeze() {
    if (outputs.isEmpty()) {
      throw new IllegalStateException("No output operations registered, so nothing to execute");
    }
    for (StatefulNode s : statefulNodes) {
      checkStateIdFree(s.stateId(), s);
    }
    checkFormerIds();
    frozen = true;
    for (Node<?> n : nodes) {
      for (Node<?> dep : n.dependencies()) {
        dep.addConsumer();
      }
    }
    for (OutputOperation<?> out : outputs) {
      out.parent().addConsumer();
    }
    for (StatefulNode s : statefulNodes) {
      s.node().addConsumer();
    }
  }

  /** Sets the zero time of every node (the batch time before the first batch) and validates. */
  public synchronized void start(Time zero) {
    this.zeroTime = zero;
    for (OutputOperation<?> out : outputs) {
      out.parent().initialize(zero);
    }
    for (StatefulNode s : statefulNodes) {
      s.node().initialize(zero);
    }
    for (OutputOperation<?> out : outputs) {
      out.parent().remember(userRememberDuration);
    }
    for (StatefulNode s : statefulNodes) {
      s.node().remember(userRememberDuration);
    }
    for (OutputOperation<?> out : outputs) {
      out.parent().validateAtStart();
    }
  }

  public Time zeroTime() {
    return zeroTime;
  }

  /**
   * Runs batch {@code t}'s work under the batch lock, so that nothing else computes nodes
   * meanwhile ({@link #runningBatch()} is {@code t} during it).
   */
  public void runBatch(Time t, BatchWork work) throws InterruptedException {
    batchLock.lock();
    try {
      runningBatch = t;
      work.run();
    } finally {
      runningBatch = null;
      batchLock.unlock();
    }
  }

  /** A batch's work on the graph. */
  @FunctionalInterface
  public interface BatchWork {
    /** @throws InterruptedException if the context is stopped meanwhile */
    void run() throws InterruptedException;
  }

  /**
   * @return what {@code read} returns, called while no batch runs (or within the running batch,
   *     when called from its thread): waits for a running batch to complete
   */
  public <R> R underBatchLock(Supplier<R> read) {
    batchLock.lock();
    try {
      return read.get();
    } finally {
      batchLock.unlock();
    }
  }

  /** @return the batch being run, when called under the batch lock; null between batches */
  public Time runningBatch() {
    return runningBatch;
  }

  /** Drops cached datasets no longer needed after batch {@code t}. */
  public void clearMetadata(Time t) {
    for (OutputOperation<?> out : outputs) {
      out.parent().clearMetadata(t);
    }
    for (StatefulNode s : statefulNodes) {
      s.node().clearMetadata(t);
    }
  }
}
