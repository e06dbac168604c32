package io.uji.engine.graph;

import io.uji.engine.exec.WorkerPool;
import io.uji.streaming.Dataset;
import java.util.List;
import java.util.function.Consumer;

/**
 * A batch of a node as partitions whose records can be pushed into a consumer one by one. A
 * chain of map/filter/flatMap nodes that nothing else reads is pushed through in one pass per
 * partition, straight into the consumer (a shuffle's combiner, say), instead of materializing a
 * list per operator: the intermediate records die young and the heap stays small.
 */
public interface PartitionSource<T> {
  int numPartitions();

  /** @return about how many records partition {@code p} yields (for presizing) */
  int sizeHint(int p);

  /** Pushes partition {@code p}'s records, in order, into {@code sink}. */
  void push(int p, Consumer<? super T> sink);

  /** Runs {@code task(p)} for every partition, in parallel on the graph's pool. */
  default void runPartitions(WorkerPool pool, java.util.function.IntConsumer task) {
    if (pool == null) {
      for (int p = 0; p < numPartitions(); p++) {
        task.accept(p);
      }
    } else {
      pool.run(numPartitions(), task);
    }
  }

  /** @return a source over a materialized dataset */
  static <T> PartitionSource<T> of(Dataset<T> d) {
    List<List<T>> parts = d.partitions();
    return new PartitionSource<>() {
      @Override
      public int numPartitions() {
        return parts.size();
      }

      @Override
      public int sizeHint(int p) {
        return parts.get(p).size();
      }

      @Override
      public void push(int p, Consumer<? super T> sink) {
        List<T> part = parts.get(p);
        for (int i = 0, n = part.size(); i < n; i++) {
          sink.accept(part.get(i));
        }
      }
    };
  }
}
