package io.uji.streaming;

/**
 * Decides which partition a key goes to in shuffles and keyed state. Spark's {@code Partitioner}.
 * Must be deterministic across JVM runs when used by a stateful operator with a checkpoint
 * (so {@code Object.hashCode} of enums or identity-hashed keys is not suitable there).
 */
public interface Partitioner {
  /**
   * @return the number of partitions, at least 1; constant for the partitioner's life (a
   *     keyed operator's state is laid out by it)
   */
  int numPartitions();

  /** @return a partition in {@code [0, numPartitions())} */
  int getPartition(Object key);

  /** @return the hash partitioner with {@code n} partitions */
  static Partitioner hash(int n) {
    return new HashPartitioner(n);
  }
}
