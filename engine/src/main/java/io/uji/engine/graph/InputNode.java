package io.uji.engine.graph;

import io.uji.engine.exec.Datasets;
import io.uji.engine.hooks.ReceiverCounters;
import io.uji.engine.lineage.InputLineage;
import io.uji.engine.lineage.InputPosition;
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
 *
 * <p>Each kind of input answers for its own kind of lineage {@code L} and position {@code P}:
 * where it stands after a batch ({@link #positionAfter}), how it resumes from a position after a
 * crash ({@link #resume}), and what of its durable log the retained batches still need ({@link
 * #trim}). The rest of the engine handles lineages and positions without knowing their kinds.
 *
 * @param <T> the record type
 * @param <L> this kind's lineage
 * @param <P> this kind's position
 */
public abstract class InputNode<T, L extends InputLineage, P extends InputPosition> extends Node<T> {
  private final Map<Long, Allocation<T>> allocations = new ConcurrentHashMap<>();
  private final Class<L> lineageType;
  private final Class<P> positionType;

  protected InputNode(StreamGraph graph, Class<L> lineageType, Class<P> positionType) {
    super(graph);
    this.lineageType = lineageType;
    this.positionType = positionType;
  }

  @Override
  public final List<Node<?>> dependencies() {
    return List.of();
  }

  @Override
  public final Duration slideDuration() {
    return graph.batchInterval();
  }

  /**
   * @return this kind of input's stable name in checkpoint directories ("generator", "receiver",
   *     "files", ...): never change one, directories written before name their inputs by it
   */
  public abstract String kind();

  /**
   * @return what this input reads, in the user's terms (a generator's identity, a directory, a
   *     receiver's name): a program whose input at the same place reads something else cannot
   *     resume a checkpoint directory, since its batches would be rebuilt from other data
   */
  public abstract String identity();

  /**
   * @return whether a batch of this input can be rebuilt from its lineage after a crash (false:
   *     the input cannot be used with a checkpoint directory)
   */
  public boolean replayable() {
    return true;
  }

  /** Starts the source (receivers begin receiving). */
  public void start() {}

  /** Stops the source; must return promptly and leave no thread running. */
  public void stop() {}

  /**
   * @return a receiver's counters for the status page and metrics, or null for inputs that are
   *     not receivers
   */
  public ReceiverCounters receiverCounters() {
    return null;
  }

  /**
   * @return per partition of a replayable source, the records readable but not yet processed by
   *     a completed batch (empty for other kinds)
   */
  public Map<String, Long> lag() {
    return Map.of();
  }

  /** @return a short name for logs and listener events */
  public String name() {
    return kind() + "-" + id();
  }

  /** Takes the input of batch {@code t}. Called by the job generator thread, in time order. */
  public final Allocation<T> allocate(Time t) {
    Allocation<T> a = takeInput(t);
    allocations.put(t.milliseconds(), a);
    return a;
  }

  /**
   * Rebuilds the input of batch {@code t} from its lineage (recovery).
   *
   * @throws IllegalStateException if the lineage is of another kind of input, or this input
   *     cannot replay
   */
  public final Allocation<T> restore(Time t, InputLineage lineage) {
    Allocation<T> a = rebuild(t, own(lineage, t));
    allocations.put(t.milliseconds(), a);
    return a;
  }

  /**
   * @param before the position before the batch, or null for the start of the input
   * @param lineage the batch's lineage of this input, or null if it took nothing replayable
   * @return where this input stands after the batch
   */
  public final InputPosition positionAfter(InputPosition before, InputLineage lineage) {
    P from = own(before);
    return lineage == null ? from : advance(from, own(lineage, null));
  }

  /**
   * @param afterBatch the position after the batch being checkpointed
   * @return the position to record in that batch's checkpoint (by default {@code afterBatch})
   */
  public InputPosition checkpointPosition(InputPosition afterBatch) {
    return afterBatch;
  }

  /**
   * Continues after a crash from where the last logged batch left it (recovery), once the
   * batches to replay were restored.
   *
   * @param position the position after the last logged batch, or null if none took anything
   */
  public final void resume(InputPosition position) {
    resumeAt(own(position));
  }

  /**
   * Lets go of what no retained batch needs any more (a receiver deletes the segments of its
   * write-ahead log before the first block still needed). Called after a checkpoint, on the
   * checkpoint writer thread.
   *
   * @param retained the lineages of this input in the batches still retained, in order
   * @param position the position after the newest completed batch, or null
   */
  public final void trim(List<InputLineage> retained, InputPosition position) {
    List<L> own = new java.util.ArrayList<>(retained.size());
    for (InputLineage l : retained) {
      if (l != null) {
        own.add(own(l, null));
      }
    }
    release(own, own(position));
  }

  /** Source-specific: take the input of batch {@code t}. */
  protected abstract Allocation<T> takeInput(Time t);

  /**
   * Source-specific: rebuild the input of a batch from its lineage.
   *
   * @throws IllegalStateException if the source cannot replay (an unreliable source)
   */
  protected abstract Allocation<T> rebuild(Time t, L lineage);

  /** Source-specific: the position after a batch with {@code lineage}, from {@code before} (may be null). */
  protected abstract P advance(P before, L lineage);

  /** Source-specific: continue from {@code position} (may be null: nothing was taken yet). */
  protected abstract void resumeAt(P position);

  /** Source-specific: let go of what no retained batch needs (default: nothing to let go of). */
  protected void release(List<L> retained, P position) {}

  private L own(InputLineage lineage, Time t) {
    if (lineage != null && !lineageType.isInstance(lineage)) {
      throw new IllegalStateException("The " + kind() + " input '" + name() + "' cannot rebuild "
          + (t == null ? "a batch" : "batch " + t) + " from the lineage of another kind of input ("
          + lineage.getClass().getSimpleName() + "); the checkpoint directory was written by another program");
    }
    return lineageType.cast(lineage);
  }

  private P own(InputPosition position) {
    if (position != null && !positionType.isInstance(position)) {
      throw new IllegalStateException("The " + kind() + " input '" + name() + "' cannot resume from the position of"
          + " another kind of input (" + position.getClass().getSimpleName() + "); the checkpoint directory was"
          + " written by another program");
    }
    return positionType.cast(position);
  }

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

  /** @return the input of batch {@code t}, or null if none was taken or it was released */
  protected final Allocation<T> allocation(Time t) {
    return allocations.get(t.milliseconds());
  }

  @Override
  protected final Dataset<T> compute(Time t) {
    Allocation<T> a = allocations.get(t.milliseconds());
    if (a == null) {
      return Datasets.empty(placement().isByOrigin() ? placement().partitions() : 1, graph.pool());
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
