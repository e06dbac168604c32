package io.uji.streaming;

/** Partitions by {@code key.hashCode()} modulo the number of partitions (null goes to 0), as Spark does. */
public record HashPartitioner(int numPartitions) implements Partitioner {
  /**
   * A hash partitioner over {@code numPartitions} partitions.
   *
   * @param numPartitions the number of partitions, at least 1
   * @throws IllegalArgumentException if {@code numPartitions} is not positive
   */
  public HashPartitioner {
    if (numPartitions <= 0) {
      throw new IllegalArgumentException("numPartitions must be positive, got " + numPartitions);
    }
  }

  @Override
  public int getPartition(Object key) {
    if (key == null) {
      return 0;
    }
    int h = key.hashCode() % numPartitions;
    return h < 0 ? h + numPartitions : h;
  }
}
