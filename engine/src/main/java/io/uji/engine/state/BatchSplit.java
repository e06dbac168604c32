package io.uji.engine.state;

import io.uji.engine.exec.WorkerPool;
import io.uji.streaming.Dataset;
import io.uji.streaming.Pair;
import io.uji.streaming.Partitioner;
import java.util.List;

/**
 * A batch cut by state partition without copying records: for every input partition, the
 * positions of the records that belong to each state partition, in order. Computed in parallel
 * per input partition. Reading input partition 0's positions, then 1's, ... gives a state
 * partition its records in batch order.
 */
final class BatchSplit<K, V> {
  private final List<List<Pair<K, V>>> inputs;
  /** [input][state partition] positions; null when there is a single state partition. */
  private final int[][][] indices;
  private final int[] totals;

  private BatchSplit(List<List<Pair<K, V>>> inputs, int[][][] indices, int[] totals) {
    this.inputs = inputs;
    this.indices = indices;
    this.totals = totals;
  }

  /** Splits {@code in} (null = empty batch) by {@code partitioner}. */
  static <K, V> BatchSplit<K, V> of(Dataset<Pair<K, V>> in, Partitioner partitioner, WorkerPool pool) {
    int n = partitioner.numPartitions();
    List<List<Pair<K, V>>> inputs = in == null ? List.of() : in.partitions();
    int m = inputs.size();
    int[] totals = new int[n];
    if (n == 1) {
      long sum = 0;
      for (List<Pair<K, V>> p : inputs) {
        sum += p.size();
      }
      totals[0] = Math.toIntExact(sum);
      return new BatchSplit<>(inputs, null, totals);
    }
    int[][][] indices = new int[m][][];
    pool.run(m, i -> indices[i] = positions(inputs.get(i), partitioner, n));
    for (int[][] perInput : indices) {
      for (int p = 0; p < n; p++) {
        totals[p] += perInput[p].length;
      }
    }
    return new BatchSplit<>(inputs, indices, totals);
  }

  private static <K, V> int[][] positions(List<Pair<K, V>> records, Partitioner partitioner, int n) {
    int size = records.size();
    int[] partitionOf = new int[size];
    int[] counts = new int[n];
    for (int j = 0; j < size; j++) {
      Object key = records.get(j).key();
      int p = partitioner.getPartition(key);
      if (p < 0 || p >= n) {
        throw new IllegalStateException("Partitioner " + partitioner + " put key " + key + " in partition " + p
            + ", outside [0, " + n + ")");
      }
      partitionOf[j] = p;
      counts[p]++;
    }
    int[][] out = new int[n][];
    for (int p = 0; p < n; p++) {
      out[p] = new int[counts[p]];
      counts[p] = 0;
    }
    for (int j = 0; j < size; j++) {
      int p = partitionOf[j];
      out[p][counts[p]++] = j;
    }
    return out;
  }

  int inputPartitions() {
    return inputs.size();
  }

  List<Pair<K, V>> input(int i) {
    return inputs.get(i);
  }

  /** @return positions in input {@code i} of state partition {@code p}'s records, or null for all */
  int[] indices(int i, int p) {
    return indices == null ? null : indices[i][p];
  }

  /** @return how many records of the batch belong to state partition {@code p} */
  int recordsFor(int p) {
    return totals[p];
  }
}
