package io.uji.engine.input;

import io.uji.engine.exec.Datasets;
import io.uji.engine.exec.WorkerPool;
import io.uji.engine.graph.InputNode;
import io.uji.engine.graph.StreamGraph;
import io.uji.engine.lineage.InputLineage;
import io.uji.engine.lineage.InputPosition;
import io.uji.streaming.Dataset;
import io.uji.streaming.Time;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;

/**
 * Spark's queueStream, for tests: each batch takes the next list from the queue (or all queued
 * lists when not one at a time). Not replayable, so it cannot be used with a checkpoint
 * directory (as in Spark).
 */
public final class QueueInputNode<T> extends InputNode<T, InputLineage, InputPosition> {
  private final Queue<List<T>> queue;
  private final boolean oneAtATime;
  private final List<T> defaultBatch;

  public QueueInputNode(StreamGraph graph, Queue<List<T>> queue, boolean oneAtATime, List<T> defaultBatch) {
    super(graph, InputLineage.class, InputPosition.class);
    this.queue = queue;
    this.oneAtATime = oneAtATime;
    this.defaultBatch = defaultBatch == null ? List.of() : List.copyOf(defaultBatch);
  }

  @Override
  protected Allocation<T> takeInput(Time t) {
    List<List<T>> parts = new ArrayList<>();
    synchronized (queue) {
      if (oneAtATime) {
        List<T> next = queue.poll();
        if (next != null) {
          parts.add(List.copyOf(next));
        }
      } else {
        List<T> next;
        while ((next = queue.poll()) != null) {
          parts.add(List.copyOf(next));
        }
      }
    }
    if (parts.isEmpty()) {
      parts.add(defaultBatch);
    }
    return new Allocation<>() {
      @Override
      public Dataset<T> dataset(WorkerPool pool) {
        return Datasets.of(parts, pool);
      }

      @Override
      public long recordCount() {
        long n = 0;
        for (List<T> p : parts) {
          n += p.size();
        }
        return n;
      }

      @Override
      public InputLineage lineage() {
        return null;
      }
    };
  }

  @Override
  public String kind() {
    return "queue";
  }

  @Override
  public String identity() {
    return "";
  }

  @Override
  public boolean replayable() {
    return false;
  }

  @Override
  protected Allocation<T> rebuild(Time t, InputLineage lineage) {
    throw new IllegalStateException("queueStream cannot be replayed after a crash; do not use it with checkpointing");
  }

  /** Nothing of a queue is replayable: it has no position. */
  @Override
  protected InputPosition advance(InputPosition before, InputLineage lineage) {
    return before;
  }

  @Override
  protected void resumeAt(InputPosition position) {}
}
