package io.uji.engine.state;

import io.uji.engine.exec.WorkerPool;
import io.uji.engine.graph.Keys;
import io.uji.engine.graph.PartitionSource;
import io.uji.streaming.Pair;
import io.uji.streaming.Partitioner;
import java.util.Arrays;

/**
 * A batch cut by state partition: for every input partition, the keys and values of the records
 * that belong to each state partition, in order. Input partitions are pushed in parallel, each
 * into its own row of buffers, so no locking; reading input partition 0's buffer of state
 * partition p, then 1's, ... gives p its records in batch order.
 *
 * <p>Why keys and values rather than the records: the records are pushed from the parent
 * ({@link PartitionSource}), so a fused {@code mapToPair} never materializes its pairs; they die
 * as they are split. The buffers are kept from batch to batch (no allocation per batch once
 * grown) and {@link #release} drops their references as soon as a state partition has read
 * them, so the batch's records are not kept alive while the state is updated.
 *
 * <p>One instance per stateful operator, used by one batch at a time: {@link #load} on the batch
 * thread, then {@link #release} for each state partition by the task that read it.
 *
 * <p>By origin ({@link #byOrigin}): in a group, a record's key group is the input partition it was
 * read from; input partition i goes whole to key group i, no key is hashed.
 */
final class BatchSplit<K, V> {
  /** Null when split by origin. */
  private final Partitioner partitioner;
  private final int statePartitions;
  /** [input][state partition]; rows grow with the number of input partitions. */
  private Buffer[][] buffers = new Buffer[0][];
  private int inputs;

  /**
   * @return the state partition (key group) of {@code key}
   * @throws IllegalStateException when split by origin: a key's group is where it was read from
   */
  int keyGroupOf(Object key) {
    if (partitioner == null) {
      throw new IllegalStateException("Split by origin: a key's group is the input partition it came from");
    }
    return partitioner.getPartition(key);
  }

  BatchSplit(Partitioner partitioner) {
    this.partitioner = partitioner;
    this.statePartitions = partitioner.numPartitions();
  }

  private BatchSplit(int groups) {
    this.partitioner = null;
    this.statePartitions = groups;
  }

  /** @return a split whose input partition i is key group i ({@code groups} of each) */
  static <K, V> BatchSplit<K, V> byOrigin(int groups) {
    return new BatchSplit<>(groups);
  }

  /** @return whether key groups are the input partitions */
  boolean byOrigin() {
    return partitioner == null;
  }

  /**
   * Splits the records of {@code in} (null = an empty batch), input partitions in parallel.
   *
   * @param operator the stateful operator in the user's terms, named in errors
   * @throws NullPointerException if a record or its key is null
   */
  void load(PartitionSource<Pair<K, V>> in, WorkerPool pool, String operator) {
    inputs = in == null ? 0 : in.numPartitions();
    if (partitioner == null && inputs != 0 && inputs != statePartitions) {
      throw new IllegalStateException("The input of " + operator + " is placed by origin over " + statePartitions
          + " partitions but has " + inputs);
    }
    if (buffers.length < inputs) {
      Buffer[][] grown = Arrays.copyOf(buffers, inputs);
      for (int i = buffers.length; i < inputs; i++) {
        grown[i] = new Buffer[statePartitions];
        for (int p = 0; p < statePartitions; p++) {
          grown[i][p] = new Buffer();
        }
      }
      buffers = grown;
    }
    // Rows this batch does not fill may still hold a failed batch's records.
    for (int i = inputs; i < buffers.length; i++) {
      for (Buffer b : buffers[i]) {
        b.clear();
      }
    }
    if (inputs == 0) {
      return;
    }
    final int n = statePartitions;
    if (partitioner == null) {
      in.runPartitions(pool, i -> {
        Buffer[] row = buffers[i];
        for (Buffer b : row) {
          b.clear();
        }
        Buffer own = row[i];
        int records = in.sizeHint(i);
        own.fit(records + 16, records);
        in.push(i, r -> own.add(Keys.of(r, operator), r.value()));
      });
      return;
    }
    in.runPartitions(pool, i -> {
      Buffer[] row = buffers[i];
      int records = in.sizeHint(i);
      for (Buffer b : row) {
        b.clear();
        b.fit(records / n + 16, records);
      }
      if (n == 1) {
        Buffer only = row[0];
        in.push(i, r -> only.add(Keys.of(r, operator), r.value()));
      } else {
        in.push(i, r -> {
          Object key = Keys.of(r, operator);
          int p = partitioner.getPartition(key);
          if (p < 0 || p >= n) {
            throw new IllegalStateException("Partitioner " + partitioner + " put key " + key + " in partition " + p
                + ", outside [0, " + n + ")");
          }
          row[p].add(key, r.value());
        });
      }
    });
  }

  /** @return the number of input partitions of the batch */
  int inputPartitions() {
    return inputs;
  }

  /** @return how many records of input partition {@code i} belong to state partition {@code p} */
  int size(int i, int p) {
    return buffers[i][p].size;
  }

  @SuppressWarnings("unchecked")
  K key(int i, int p, int j) {
    return (K) buffers[i][p].keys[j];
  }

  @SuppressWarnings("unchecked")
  V value(int i, int p, int j) {
    return (V) buffers[i][p].values[j];
  }

  /** @return how many records of the batch belong to state partition {@code p} */
  int recordsFor(int p) {
    int sum = 0;
    for (int i = 0; i < inputs; i++) {
      sum += buffers[i][p].size;
    }
    return sum;
  }

  /** @return how many records the buffer of input {@code i}, state partition {@code p} has room for (tests) */
  int capacity(int i, int p) {
    return buffers[i][p].keys.length;
  }

  /** Drops state partition {@code p}'s references to the batch's records (it has read them). */
  void release(int p) {
    for (int i = 0; i < inputs; i++) {
      buffers[i][p].clear();
    }
  }

  /** One input partition's records for one state partition: parallel arrays of keys and values. */
  private static final class Buffer {
    private Object[] keys = new Object[16];
    private Object[] values = new Object[16];
    private int size;

    void add(Object key, Object value) {
      if (size == keys.length) {
        ensure(size + (size >> 1) + 1);
      }
      keys[size] = key;
      values[size] = value;
      size++;
    }

    void ensure(int capacity) {
      if (keys.length < capacity) {
        keys = Arrays.copyOf(keys, capacity);
        values = Arrays.copyOf(values, capacity);
      }
    }

    /**
     * Sizes an empty buffer for about {@code expected} records (its share of the input
     * partition's {@code records}); gives back room kept from a far bigger batch. Bounded by the
     * whole partition, not the share, so that a skewed partitioner does not reallocate every batch.
     */
    void fit(int expected, int records) {
      if (keys.length > 1024 && keys.length > 8L * records) {
        keys = new Object[expected];
        values = new Object[expected];
      } else {
        ensure(expected);
      }
    }

    void clear() {
      Arrays.fill(keys, 0, size, null);
      Arrays.fill(values, 0, size, null);
      size = 0;
    }
  }
}
