package io.uji.streaming;

import io.uji.engine.access.SharedSecrets;
import io.uji.engine.exec.WorkerPool;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One batch of a stream: an immutable, partitioned, in-memory collection (Spark's RDD, but
 * materialized: Uji runs in one JVM, so there is no lineage to recompute from within a batch).
 * Transformations run partition by partition in parallel on the context's worker pool and
 * return a new dataset; the original never changes. A dataset of pairs has the keyed operations
 * (joins, sortByKey, ...) as a {@link PairDataset}: see {@link PairDataset#of}.
 *
 * @param <T> the element type
 */
public sealed class Dataset<T> permits PairDataset {
  static {
    // The engine builds datasets bound to its worker pool through this (see SharedSecrets).
    SharedSecrets.setStreamingAccess(new EngineAccess());
  }

  private final List<List<T>> partitions;
  /** Runs transformations in parallel; null: in the calling thread. */
  private final WorkerPool pool;

  /** Wraps already-built partitions, which must not be changed afterwards. */
  Dataset(List<List<T>> partitions, WorkerPool pool) {
    this.partitions = Collections.unmodifiableList(partitions);
    this.pool = pool;
  }

  /** @return a dataset of the given partitions, transformed in the calling thread */
  public static <T> Dataset<T> of(List<List<T>> partitions) {
    return new Dataset<>(new ArrayList<>(partitions), null);
  }

  /** @return a dataset with {@code numPartitions} empty partitions, transformed in the calling thread */
  public static <T> Dataset<T> empty(int numPartitions) {
    List<List<T>> parts = new ArrayList<>(numPartitions);
    for (int i = 0; i < numPartitions; i++) {
      parts.add(List.of());
    }
    return new Dataset<>(parts, null);
  }

  /**
   * @return {@code elements} split into {@code numPartitions} contiguous partitions, transformed
   *     in the calling thread
   * @throws IllegalArgumentException if {@code numPartitions} is not positive
   */
  public static <T> Dataset<T> parallelize(List<T> elements, int numPartitions) {
    if (numPartitions <= 0) {
      throw new IllegalArgumentException("numPartitions must be positive, got " + numPartitions);
    }
    List<List<T>> parts = new ArrayList<>(numPartitions);
    int n = elements.size();
    for (int i = 0; i < numPartitions; i++) {
      parts.add(new ArrayList<>(elements.subList((int) ((long) n * i / numPartitions),
          (int) ((long) n * (i + 1) / numPartitions))));
    }
    return new Dataset<>(parts, null);
  }

  /**
   * @return the number of partitions; transformations keep it (Spark's
   *     {@code getNumPartitions}), shuffles set it
   */
  public int numPartitions() {
    return partitions.size();
  }

  /** @return partition {@code i}, unmodifiable */
  public List<T> partition(int i) {
    return Collections.unmodifiableList(partitions.get(i));
  }

  /** @return all partitions, unmodifiable */
  public List<List<T>> partitions() {
    return partitions;
  }

  /** @return the pool transformations run on, or null (for the engine, through {@link EngineAccess}) */
  WorkerPool pool() {
    return pool;
  }

  /** @return the number of elements in all partitions (Spark's {@code count}) */
  public long count() {
    long n = 0;
    for (List<T> p : partitions) {
      n += p.size();
    }
    return n;
  }

  /** @return true if no partition has an element (Spark's {@code isEmpty}) */
  public boolean isEmpty() {
    for (List<T> p : partitions) {
      if (!p.isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /** @return every element, partition by partition, in a new list */
  public List<T> collect() {
    List<T> all = new ArrayList<>((int) Math.min(Integer.MAX_VALUE, count()));
    for (List<T> p : partitions) {
      all.addAll(p);
    }
    return all;
  }

  /** @return the first {@code n} elements in partition order */
  public List<T> take(int n) {
    List<T> out = new ArrayList<>(Math.min(n, 1024));
    for (List<T> p : partitions) {
      for (T t : p) {
        if (out.size() >= n) {
          return out;
        }
        out.add(t);
      }
    }
    return out;
  }

  /** Calls {@code action} for every element, partitions in parallel. */
  public void foreach(Consumer<? super T> action) {
    runPartitions(p -> {
      for (T t : partitions.get(p)) {
        action.accept(t);
      }
    });
  }

  /**
   * Applies {@code f} to every element, partitions in parallel; the result has the same
   * partitions, elements in the same order. Runs now (a dataset is materialized), not lazily as
   * Spark's RDD {@code map}.
   *
   * @param <R> the result's element type
   * @param f the function; called concurrently for different partitions, so it must be
   *     thread-safe
   * @return a new dataset of the results
   * @throws NullPointerException if {@code f} is null
   */
  public <R> Dataset<R> map(Function<? super T, ? extends R> f) {
    Objects.requireNonNull(f);
    return mapEachPartition(in -> {
      List<R> out = new ArrayList<>(in.size());
      for (T t : in) {
        out.add(f.apply(t));
      }
      return out;
    });
  }

  /** Spark's flatMap: the function returns an iterator over the outputs of one element. */
  public <R> Dataset<R> flatMap(Function<? super T, ? extends Iterator<? extends R>> f) {
    Objects.requireNonNull(f);
    return mapEachPartition(in -> {
      List<R> out = new ArrayList<>(in.size());
      for (T t : in) {
        Iterator<? extends R> it = f.apply(t);
        while (it.hasNext()) {
          out.add(it.next());
        }
      }
      return out;
    });
  }

  /**
   * Keeps the elements {@code f} accepts, partitions in parallel, in their order and partitions.
   * Spark's RDD {@code filter}.
   *
   * @param f the predicate; called concurrently for different partitions
   * @return a new dataset of the accepted elements
   * @throws NullPointerException if {@code f} is null
   */
  public Dataset<T> filter(Predicate<? super T> f) {
    Objects.requireNonNull(f);
    return mapEachPartition(in -> {
      List<T> out = new ArrayList<>();
      for (T t : in) {
        if (f.test(t)) {
          out.add(t);
        }
      }
      return out;
    });
  }

  /** Spark's mapPartitions: the function sees one partition's elements at once. */
  public <R> Dataset<R> mapPartitions(Function<? super Iterator<T>, ? extends Iterator<? extends R>> f) {
    Objects.requireNonNull(f);
    return mapEachPartition(in -> {
      List<R> out = new ArrayList<>();
      Iterator<? extends R> it = f.apply(Collections.unmodifiableList(in).iterator());
      while (it.hasNext()) {
        out.add(it.next());
      }
      return out;
    });
  }

  /** Spark's mapToPair: a keyed dataset. */
  public <K, V> PairDataset<K, V> mapToPair(Function<? super T, Pair<K, V>> f) {
    return PairDataset.of(map(f));
  }

  /** Spark's flatMapToPair: each element to zero or more pairs, a keyed dataset. */
  public <K, V> PairDataset<K, V> flatMapToPair(Function<? super T, ? extends Iterator<Pair<K, V>>> f) {
    return PairDataset.of(flatMap(f));
  }

  /** Spark's mapPartitionsToPair: as {@link #mapPartitions}, to a keyed dataset. */
  public <K, V> PairDataset<K, V> mapPartitionsToPair(
      Function<? super Iterator<T>, ? extends Iterator<Pair<K, V>>> f) {
    return PairDataset.of(mapPartitions(f));
  }

  /**
   * Spark's glom: one element per partition, the unmodifiable list of its elements (empty for an
   * empty partition), in the same partition.
   */
  public Dataset<List<T>> glom() {
    return mapEachPartition(in -> {
      List<List<T>> out = new ArrayList<>(1);
      out.add(Collections.unmodifiableList(new ArrayList<>(in)));
      return out;
    });
  }

  /** @return this dataset's partitions followed by {@code other}'s */
  public Dataset<T> union(Dataset<T> other) {
    List<List<T>> parts = new ArrayList<>(partitions.size() + other.partitions.size());
    parts.addAll(partitions);
    parts.addAll(other.partitions);
    return new Dataset<>(parts, pool != null ? pool : other.pool);
  }

  /**
   * Applies {@code f} to each partition's list (in parallel) and wraps the results. {@code f}
   * must not change its input and must return a list it does not keep.
   */
  public <R> Dataset<R> mapEachPartition(Function<List<T>, List<R>> f) {
    int n = partitions.size();
    @SuppressWarnings("unchecked")
    List<R>[] out = new List[n];
    runPartitions(p -> out[p] = f.apply(partitions.get(p)));
    List<List<R>> parts = new ArrayList<>(n);
    Collections.addAll(parts, out);
    return new Dataset<>(parts, pool);
  }

  /** Runs {@code task(p)} for every partition index, in parallel when there is a pool. */
  public void runPartitions(java.util.function.IntConsumer task) {
    if (pool == null) {
      for (int p = 0; p < partitions.size(); p++) {
        task.accept(p);
      }
    } else {
      pool.run(partitions.size(), task);
    }
  }

  /**
   * Makes this batch the SQL table {@code name} of the context it belongs to, replacing what the
   * table held (Spark's {@code registerTempTable}), for {@link StreamingContext#sql} and the
   * status page's SQL box: typically inside {@code foreachBatch}. The elements' fields are the
   * columns: a record's components (snake_case), a {@link Pair}'s {@code key} and {@code value}
   * (the value's components when it is a record), else one column {@code value}. The rows are
   * copied (about 10 ms per 10,000 rows). Needs the {@code uji-sql} module.
   *
   * @throws IllegalStateException if this dataset does not belong to a running context (it was
   *     built with {@link #of}, say, rather than handed to an output operation)
   * @throws IllegalArgumentException if the name cannot name a table (empty, over 128 characters,
   *     starting with {@code __uji}, or a stateful operator's), or a field has a type SQL cannot
   *     show (String, numbers, booleans, enums and records of those can)
   * @throws SqlQueryException if storing the rows fails
   */
  public void registerTempTable(String name) {
    StreamingContext owner = StreamingContext.owning(pool);
    if (owner == null) {
      throw new IllegalStateException("registerTempTable needs a dataset of a running streaming context (as"
          + " foreachBatch hands it); this one belongs to none");
    }
    owner.registerTable(name, this);
  }

  @Override
  public String toString() {
    return "Dataset[" + partitions.size() + " partitions, " + count() + " elements]";
  }
}
