package io.uji.engine.graph;

import io.uji.engine.exec.Datasets;
import io.uji.streaming.Dataset;
import io.uji.streaming.Duration;
import io.uji.streaming.Time;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A source of the graph. At each batch tick the job generator calls {@link #allocate}: the
 * source takes what belongs to the batch (received blocks, an offset range, new files, a queue
 * item) and describes it in an {@link InputLineage}, which is made durable before the batch runs
 * so the batch can be rebuilt after a crash ({@link #restore}).
 */
public abstract class InputNode<T> extends Node<T> {
  private final Map<Long, Allocation<T>> allocations = new ConcurrentHashMap<>();

  protected InputNode(StreamGraph graph) {
    super(graph);
  }

  @Override
  public final List<Node<?>> dependencies() {
    return List.of();
  }

  @Override
  public final Duration slideDuration() {
    return graph.batchInterval();
  }

  /** Starts the source (receivers begin receiving). */
  public void start() {}

  /** Stops the source; must return promptly and leave no thread running. */
  public void stop() {}

  /** @return a short name for logs and listener events */
  public String name() {
    return getClass().getSimpleName() + "-" + id();
  }

  /** Takes the input of batch {@code t}. Called by the job generator thread, in time order. */
  public final Allocation<T> allocate(Time t) {
    Allocation<T> a = takeInput(t);
    allocations.put(t.milliseconds(), a);
    return a;
  }

  /** Rebuilds the input of batch {@code t} from its lineage (recovery). */
  public final Allocation<T> restore(Time t, InputLineage lineage) {
    Allocation<T> a = rebuild(t, lineage);
    allocations.put(t.milliseconds(), a);
    return a;
  }

  /** Source-specific: take the input of batch {@code t}. */
  protected abstract Allocation<T> takeInput(Time t);

  /**
   * Source-specific: rebuild the input of a batch from its lineage.
   *
   * @throws IllegalStateException if the source cannot replay (an unreliable source)
   */
  protected abstract Allocation<T> rebuild(Time t, InputLineage lineage);

  /**
   * Called when batch {@code t} completed: release what the batch held (receiver permits). When a
   * later batch may still read this batch's data (a window, or a remember duration longer than
   * one batch), the dataset is materialized first so it stays cached until
   * {@link #clearMetadata} drops it: a window whose slide is longer than the batch reads batches
   * that no output computed when they ran.
   */
  public void onBatchCompleted(Time t) {
    Duration remember = rememberDuration();
    if (remember != null && remember.compareTo(slideDuration()) > 0) {
      // Not only t: the batches before a restored checkpoint that recovery re-registered for
      // windows were never computed; dropping their allocations uncomputed would make a later
      // window see them as empty.
      for (Long ms : new java.util.TreeSet<>(allocations.keySet())) {
        Time at = new Time(ms);
        if (ms <= t.milliseconds() && ms > t.milliseconds() - remember.milliseconds() && isTimeValid(at)) {
          getOrCompute(at);
        }
      }
    }
    // Batches complete in time order, so nothing at or before t is still needed here (windows
    // keep what they need in the dataset caches, filled above).
    java.util.Iterator<Map.Entry<Long, Allocation<T>>> it = allocations.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Long, Allocation<T>> e = it.next();
      if (e.getKey() <= t.milliseconds()) {
        it.remove();
        e.getValue().release();
      }
    }
  }

  @Override
  protected final Dataset<T> compute(Time t) {
    Allocation<T> a = allocations.get(t.milliseconds());
    if (a == null) {
      return Datasets.empty(1, graph.pool());
    }
    return a.dataset(graph.pool());
  }

  /**
   * The input of one batch.
   *
   * @param <T> element type
   */
  public interface Allocation<T> {
    /** @return the batch's records as a dataset (may be built lazily, once) */
    Dataset<T> dataset(io.uji.engine.exec.WorkerPool pool);

    /** @return how many records the batch holds from this source */
    long recordCount();

    /** @return what makes the batch reproducible, or null for an unreliable source */
    InputLineage lineage();

    /** Frees buffers and receiver permits; called once the batch completed. */
    default void release() {}
  }
}
