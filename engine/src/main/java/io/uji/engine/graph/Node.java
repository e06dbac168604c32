package io.uji.engine.graph;

import io.uji.streaming.Dataset;
import io.uji.streaming.Duration;
import io.uji.streaming.Time;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One operator of the stream graph (what a public {@code DStream} stands for). A node produces at
 * most one {@link Dataset} per batch time, computed on demand from its parents and cached until
 * its remember duration has passed, so a stream used by several outputs or windows is computed
 * once per batch.
 *
 * <p>Time alignment follows Spark: a node has a dataset at {@code t} only if {@code t} is after
 * the graph's zero time and {@code t - zeroTime} is a multiple of its slide duration.
 *
 * <p>Nodes are used by the batch thread only; the cache is synchronized only so that other
 * threads (tests, listeners) may look.
 */
public abstract class Node<T> {
  protected final StreamGraph graph;
  private final int id;
  private final Map<Long, Dataset<T>> generated = new TreeMap<>();
  private Time zeroTime;
  private Duration rememberDuration;
  /** Nodes, outputs and the runner that read this node (set when the graph is frozen). */
  private int consumers;

  protected Node(StreamGraph graph) {
    this.graph = graph;
    this.id = graph.register(this);
  }

  /** @return a number unique within the graph, in creation order (deterministic per program) */
  public final int id() {
    return id;
  }

  public final StreamGraph graph() {
    return graph;
  }

  /** @return the nodes this one reads */
  public abstract List<Node<?>> dependencies();

  /**
   * @return where this node's records sit ({@link Placement}); {@link Placement#NONE} unless the
   *     node keeps its parent's placement by origin (keyed inputs of a group and the operators that
   *     cannot move a key to another partition)
   */
  public Placement placement() {
    return Placement.NONE;
  }

  /**
   * @return whether each key appears at most once in every dataset of this node (a node of pairs
   *     whose records were combined by key, as reduceByKey's): a stateful consumer then has each
   *     record as its own group and need not group the batch by key again
   */
  public boolean keysDistinct() {
    return false;
  }

  /**
   * @return the per-key combine this node stands for, when its one consumer may run it itself while
   *     grouping the batch by key ({@link FusibleCombine}); null (the default) when the node must
   *     compute its datasets, because it is no such combine or because another node, an output or
   *     a window reads them
   */
  public FusibleCombine<?, ?, ?> fusibleCombine() {
    return null;
  }

  /** @return the interval between two datasets of this node (default: its first parent's) */
  public Duration slideDuration() {
    return dependencies().get(0).slideDuration();
  }

  /**
   * Computes the dataset for a valid time {@code t}.
   *
   * @return the dataset, or null if there is none at {@code t}
   */
  protected abstract Dataset<T> compute(Time t);

  /** @return how long datasets of this node's parents must be kept, given its own (default: the same) */
  protected Duration parentRememberDuration() {
    return rememberDuration;
  }

  /** @return the dataset at {@code t}, computing it if needed; null if the node has none at {@code t} */
  public final Dataset<T> getOrCompute(Time t) {
    synchronized (generated) {
      Dataset<T> d = generated.get(t.milliseconds());
      if (d != null) {
        return d;
      }
    }
    if (!isTimeValid(t)) {
      return null;
    }
    Dataset<T> d = compute(t);
    if (d != null) {
      synchronized (generated) {
        generated.put(t.milliseconds(), d);
      }
    }
    return d;
  }

  /**
   * @return the dataset at {@code t} as a source to push records from, or null if there is none;
   *     by default the (cached) materialized dataset. Narrow nodes read by one consumer only
   *     override this to stream through without materializing.
   */
  public PartitionSource<T> sourceAt(Time t) {
    Dataset<T> d = getOrCompute(t);
    return d == null ? null : PartitionSource.of(d);
  }

  /** @return how many nodes, outputs and stateful commits read this node */
  protected final int consumers() {
    return consumers;
  }

  final void addConsumer() {
    consumers++;
  }

  /**
   * @return the dataset at {@code t} if this node still holds it (computed and not yet dropped),
   *     without computing anything; null otherwise
   */
  public final Dataset<T> remembered(Time t) {
    return cached(t);
  }

  /** @return the cached dataset at {@code t}, without computing it */
  protected final Dataset<T> cached(Time t) {
    synchronized (generated) {
      return generated.get(t.milliseconds());
    }
  }

  public final boolean isTimeValid(Time t) {
    return zeroTime != null && t.isAfter(zeroTime) && t.minus(zeroTime).isMultipleOf(slideDuration());
  }

  /** @return the datasets at every valid time in {@code [from, to]}, oldest first */
  public final List<Dataset<T>> slice(Time from, Time to) {
    Duration slide = slideDuration();
    List<Dataset<T>> out = new ArrayList<>();
    // First valid time >= from (valid times are zeroTime + k * slide, k >= 1).
    long z = zeroTime.milliseconds();
    long s = slide.milliseconds();
    long k = Math.max(1, Math.floorDiv(from.milliseconds() - z + s - 1, s));
    for (long ms = z + k * s; ms <= to.milliseconds(); ms += s) {
      Dataset<T> d = getOrCompute(new Time(ms));
      if (d != null) {
        out.add(d);
      }
    }
    return out;
  }

  public final Time zeroTime() {
    return zeroTime;
  }

  public final Duration rememberDuration() {
    return rememberDuration;
  }

  /** Sets the zero time of this node and its parents (Spark's {@code initialize}). */
  final void initialize(Time zero) {
    if (zeroTime != null && zeroTime.equals(zero)) {
      return;
    }
    zeroTime = zero;
    Duration min = minRememberDuration();
    if (rememberDuration == null || rememberDuration.compareTo(min) < 0) {
      rememberDuration = min;
    }
    for (Node<?> dep : dependencies()) {
      dep.initialize(zero);
    }
  }

  /** @return the shortest time this node keeps its datasets (default: one slide, as in Spark) */
  protected Duration minRememberDuration() {
    return slideDuration();
  }

  /** Raises how long this node keeps datasets, and its parents accordingly. */
  final void remember(Duration d) {
    if (d != null && (rememberDuration == null || d.compareTo(rememberDuration) > 0)) {
      rememberDuration = d;
    }
    for (Node<?> dep : dependencies()) {
      dep.remember(parentRememberDuration());
    }
  }

  /** Checks durations against the batch interval; throws IllegalArgumentException. */
  protected void validateAtStart() {
    Duration batch = graph.batchInterval();
    if (!slideDuration().isMultipleOf(batch)) {
      throw new IllegalArgumentException("The slide duration of " + this + " (" + slideDuration()
          + ") must be a multiple of the batch interval (" + batch + ")");
    }
    for (Node<?> dep : dependencies()) {
      dep.validateAtStart();
    }
  }

  /** Drops datasets older than the remember duration before {@code t}, here and in the parents. */
  final void clearMetadata(Time t) {
    // A node remembered for just its slide (no window reads its past) needs nothing once batch t
    // completed: drop t too rather than keeping a whole batch of records alive one batch longer.
    long keep = rememberDuration.equals(slideDuration()) ? 0 : rememberDuration.milliseconds();
    long oldest = t.milliseconds() - keep;
    synchronized (generated) {
      generated.keySet().removeIf(ms -> ms <= oldest);
    }
    for (Node<?> dep : dependencies()) {
      dep.clearMetadata(t);
    }
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "#" + id;
  }
}
