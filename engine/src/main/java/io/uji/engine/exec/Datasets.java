package io.uji.engine.exec;

import io.uji.engine.access.SharedSecrets;
import io.uji.streaming.Dataset;
import java.util.ArrayList;
import java.util.List;

/** The engine's way to build datasets bound to a context's worker pool (not public API). */
public final class Datasets {
  private Datasets() {}

  /**
   * @param partitions the partitions; the lists must not be changed afterwards
   * @param pool the pool that runs the dataset's transformations, or null for the calling thread
   */
  public static <T> Dataset<T> of(List<List<T>> partitions, WorkerPool pool) {
    return SharedSecrets.streaming().dataset(partitions, pool);
  }

  /** @return a dataset of {@code numPartitions} empty partitions */
  public static <T> Dataset<T> empty(int numPartitions, WorkerPool pool) {
    List<List<T>> parts = new ArrayList<>(numPartitions);
    for (int i = 0; i < numPartitions; i++) {
      parts.add(List.of());
    }
    return of(parts, pool);
  }

  /** @return the pool {@code dataset}'s transformations run on, or null for the calling thread */
  public static WorkerPool pool(Dataset<?> dataset) {
    return SharedSecrets.streaming().pool(dataset);
  }
}
