package io.uji.streaming;

import io.uji.engine.graph.Node;
import io.uji.engine.graph.OutputFailurePolicy;
import io.uji.engine.graph.OutputOperation;
import io.uji.engine.ops.MapPartitionsNode;
import io.uji.engine.ops.RepartitionNode;
import io.uji.engine.ops.TextFilesOutput;
import io.uji.engine.ops.TransformNode;
import io.uji.engine.ops.UnionNode;
import io.uji.engine.ops.WindowNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A stream of datasets, one per batch (Spark's DStream / JavaDStream). Transformations return new
 * streams and run when the context runs; output operations ({@link #foreachBatch}, {@link #print},
 * {@link #saveAsTextFiles}) make a stream run. All transformations must be defined before the
 * context starts. An output operation that fails stops the context, unless it was given an
 * {@link OutputErrorPolicy}.
 *
 * <p>Every method taking a {@link Duration} has an overload taking a {@code java.time.Duration}
 * (of whole milliseconds), with the same contract.
 *
 * @param <T> the element type
 */
public class DStream<T> {
  final StreamingContext ssc;
  final Node<T> node;

  DStream(StreamingContext ssc, Node<T> node) {
    this.ssc = ssc;
    this.node = node;
  }

  /** @return the context this stream belongs to */
  public StreamingContext context() {
    return ssc;
  }

  /** @return the interval between two of this stream's datasets */
  public Duration slideDuration() {
    return node.slideDuration();
  }

  <R> DStream<R> wrap(Node<R> n) {
    return new DStream<>(ssc, n);
  }

  /** @throws IllegalArgumentException if {@code other} belongs to another context */
  final void checkSameContext(DStream<?> other, String operation) {
    Objects.requireNonNull(other, "other");
    if (other.ssc != ssc) {
      throw new IllegalArgumentException(operation + " of streams of different streaming contexts");
    }
  }

  // ---------------------------------------------------------------- narrow transformations

  /**
   * A stream of {@code f} applied to every element of each batch, partitions in parallel.
   * Spark's {@code DStream.map}.
   *
   * @param <R> the result's element type
   * @param f the function; called on worker threads, concurrently for different partitions
   * @return the mapped stream
   * @throws NullPointerException if {@code f} is null
   * @throws IllegalStateException if the context was already started
   */
  public <R> DStream<R> map(Function<? super T, ? extends R> f) {
    Objects.requireNonNull(f, "f");
    return wrap(new MapPartitionsNode<T, R>(node, (T t, Consumer<? super R> out) -> out.accept(f.apply(t))));
  }

  /** Spark's mapToPair: a keyed stream. */
  public <K, V> PairDStream<K, V> mapToPair(Function<? super T, Pair<K, V>> f) {
    return new PairDStream<>(map(f));
  }

  /** Each element to zero or more elements (the function returns an iterator, as in Spark's Java API). */
  public <R> DStream<R> flatMap(Function<? super T, ? extends Iterator<? extends R>> f) {
    Objects.requireNonNull(f, "f");
    return wrap(new MapPartitionsNode<T, R>(node, (T t, Consumer<? super R> out) -> {
      Iterator<? extends R> it = f.apply(t);
      while (it.hasNext()) {
        out.accept(it.next());
      }
    }));
  }

  /** Spark's flatMapToPair. */
  public <K, V> PairDStream<K, V> flatMapToPair(Function<? super T, ? extends Iterator<Pair<K, V>>> f) {
    return new PairDStream<>(flatMap(f));
  }

  /** The elements for which {@code f} is true. */
  public DStream<T> filter(Predicate<? super T> f) {
    return wrap(filterNode(f));
  }

  final Node<T> filterNode(Predicate<? super T> f) {
    Objects.requireNonNull(f, "f");
    // A filter keeps every record it keeps where it was: it keeps the placement.
    return MapPartitionsNode.<T, T>keepingKeys(node, (T t, Consumer<? super T> out) -> {
      if (f.test(t)) {
        out.accept(t);
      }
    });
  }

  /** The function sees one partition's elements at a time. */
  public <R> DStream<R> mapPartitions(Function<? super Iterator<T>, ? extends Iterator<? extends R>> f) {
    Objects.requireNonNull(f, "f");
    return wrap(new MapPartitionsNode<T, R>(node, in -> {
      List<R> out = new ArrayList<>();
      Iterator<? extends R> it = f.apply(Collections.unmodifiableList(in).iterator());
      while (it.hasNext()) {
        out.add(it.next());
      }
      return out;
    }));
  }

  /**
   * Spark's mapPartitionsToPair: as {@link #mapPartitions}, to a keyed stream.
   *
   * @param f maps the iterator over one partition's elements to the pairs of that partition
   * @return a keyed stream with the same partitions as this one
   */
  public <K, V> PairDStream<K, V> mapPartitionsToPair(Function<? super Iterator<T>, ? extends Iterator<Pair<K, V>>> f) {
    return new PairDStream<>(mapPartitions(f));
  }

  /**
   * Spark's glom: every partition of a batch becomes one element, the list of its elements (an
   * empty partition gives an empty list), so a batch of {@code n} partitions has {@code n}
   * elements, one per partition, in partition order.
   *
   * @return a stream of unmodifiable lists
   */
  public DStream<List<T>> glom() {
    return wrap(new MapPartitionsNode<T, List<T>>(node, in -> {
      List<List<T>> out = new ArrayList<>(1);
      out.add(Collections.unmodifiableList(new ArrayList<>(in)));
      return out;
    }));
  }

  /**
   * The elements of this stream and {@code other} (same slide duration).
   *
   * @throws IllegalArgumentException if the slide durations differ or {@code other} belongs to
   *     another context
   */
  public DStream<T> union(DStream<T> other) {
    return wrap(unionNode(other));
  }

  final Node<T> unionNode(DStream<T> other) {
    checkSameContext(other, "union");
    return new UnionNode<>(List.of(node, other.node));
  }

  /** Spreads every batch evenly over {@code numPartitions} partitions. */
  public DStream<T> repartition(int numPartitions) {
    return wrap(new RepartitionNode<>(node, numPartitions));
  }

  /** Applies a function to every batch's whole dataset (Spark's transform), every batch. */
  public <R> DStream<R> transform(Function<Dataset<T>, Dataset<R>> f) {
    Objects.requireNonNull(f, "f");
    return transform((d, t) -> f.apply(d));
  }

  /** As {@link #transform(Function)}, with the batch time. */
  @SuppressWarnings("unchecked")
  public <R> DStream<R> transform(BiFunction<Dataset<T>, Time, Dataset<R>> f) {
    Objects.requireNonNull(f, "f");
    return wrap(new TransformNode<R>(List.of(node), (ins, t) -> f.apply((Dataset<T>) ins.get(0), t)));
  }

  /** Spark's transformToPair. */
  public <K, V> PairDStream<K, V> transformToPair(Function<Dataset<T>, Dataset<Pair<K, V>>> f) {
    return new PairDStream<>(transform(f));
  }

  /** Spark's transformToPair with the batch time. */
  public <K, V> PairDStream<K, V> transformToPair(BiFunction<Dataset<T>, Time, Dataset<Pair<K, V>>> f) {
    return new PairDStream<>(transform(f));
  }

  /**
   * Spark's transformWith: a function of this stream's and another stream's batch.
   *
   * @throws IllegalArgumentException if the two streams have different slide durations (as
   *     {@link #union} and {@code cogroup} refuse them) or belong to different contexts
   */
  public <U, R> DStream<R> transformWith(DStream<U> other, BiFunction<Dataset<T>, Dataset<U>, Dataset<R>> f) {
    Objects.requireNonNull(f, "f");
    return transformWith(other, (Dataset<T> a, Dataset<U> b, Time t) -> f.apply(a, b));
  }

  /**
   * As {@link #transformWith(DStream, BiFunction)}, with the batch time.
   *
   * @throws IllegalArgumentException if the two streams have different slide durations or belong
   *     to different contexts
   */
  @SuppressWarnings("unchecked")
  public <U, R> DStream<R> transformWith(DStream<U> other, Function3<Dataset<T>, Dataset<U>, Time, Dataset<R>> f) {
    Objects.requireNonNull(f, "f");
    checkSameContext(other, "transformWith");
    return wrap(new TransformNode<R>(List.of(node, other.node),
        (ins, t) -> f.apply((Dataset<T>) ins.get(0), (Dataset<U>) ins.get(1), t)));
  }

  /**
   * Spark's transformWithToPair: as {@link #transformWith(DStream, BiFunction)}, to a keyed stream.
   *
   * @throws IllegalArgumentException if the two streams have different slide durations or belong
   *     to different contexts
   */
  public <U, K, V> PairDStream<K, V> transformWithToPair(DStream<U> other,
      BiFunction<Dataset<T>, Dataset<U>, Dataset<Pair<K, V>>> f) {
    return new PairDStream<>(transformWith(other, f));
  }

  // ---------------------------------------------------------------- aggregations

  /** A stream with one element per batch: the number of elements in the batch. */
  public DStream<Long> count() {
    return transform(d -> Dataset.of(List.of(List.of(d.count()))));
  }

  /** Per batch, each distinct element with how often it occurs. */
  public PairDStream<T, Long> countByValue() {
    return countByValue(ssc.config().defaultParallelism());
  }

  /** As {@link #countByValue()}, in {@code numPartitions} hash partitions. */
  public PairDStream<T, Long> countByValue(int numPartitions) {
    return mapToPair((T t) -> new Pair<>(t, 1L)).reduceByKey(Long::sum, new HashPartitioner(numPartitions),
        "countByValue");
  }

  /** A stream with at most one element per batch: the batch's elements reduced (none for an empty batch). */
  public DStream<T> reduce(BinaryOperator<T> f) {
    Objects.requireNonNull(f, "f");
    return transform(d -> {
      List<T> partials = new ArrayList<>();
      for (List<T> p : d.partitions()) {
        if (!p.isEmpty()) {
          T acc = p.get(0);
          for (int i = 1; i < p.size(); i++) {
            acc = f.apply(acc, p.get(i));
          }
          partials.add(acc);
        }
      }
      if (partials.isEmpty()) {
        return Dataset.of(List.of(List.of()));
      }
      T acc = partials.get(0);
      for (int i = 1; i < partials.size(); i++) {
        acc = f.apply(acc, partials.get(i));
      }
      return Dataset.of(List.of(List.of(acc)));
    });
  }

  // ---------------------------------------------------------------- windows

  /** The elements of the last {@code windowDuration}, every batch. */
  public DStream<T> window(Duration windowDuration) {
    return window(windowDuration, node.slideDuration());
  }

  /** As {@link #window(Duration)}. */
  public DStream<T> window(java.time.Duration windowDuration) {
    return window(Duration.of(windowDuration));
  }

  /**
   * Every {@code slideDuration}, the elements of the last {@code windowDuration}.
   *
   * @throws IllegalArgumentException if either is not a positive multiple of this stream's slide,
   *     or the window is shorter than the slide (the records between two windows would be in
   *     none)
   */
  public DStream<T> window(Duration windowDuration, Duration slideDuration) {
    return wrap(new WindowNode<>(node, windowDuration, slideDuration));
  }

  /** As {@link #window(Duration, Duration)}. */
  public DStream<T> window(java.time.Duration windowDuration, java.time.Duration slideDuration) {
    return window(Duration.of(windowDuration), Duration.of(slideDuration));
  }

  /** Number of elements in each window. */
  public DStream<Long> countByWindow(Duration windowDuration, Duration slideDuration) {
    return map(t -> 1L).reduceByWindow(Long::sum, (a, b) -> a - b, windowDuration, slideDuration);
  }

  /** As {@link #countByWindow(Duration, Duration)}. */
  public DStream<Long> countByWindow(java.time.Duration windowDuration, java.time.Duration slideDuration) {
    return countByWindow(Duration.of(windowDuration), Duration.of(slideDuration));
  }

  /** Each window's elements reduced. */
  public DStream<T> reduceByWindow(BinaryOperator<T> f, Duration windowDuration, Duration slideDuration) {
    return reduce(f).window(windowDuration, slideDuration).reduce(f);
  }

  /** As {@link #reduceByWindow(BinaryOperator, Duration, Duration)}. */
  public DStream<T> reduceByWindow(BinaryOperator<T> f, java.time.Duration windowDuration,
      java.time.Duration slideDuration) {
    return reduceByWindow(f, Duration.of(windowDuration), Duration.of(slideDuration));
  }

  /**
   * Each window's elements reduced incrementally: the previous window's value, plus the batches
   * that entered ({@code f}), minus those that left ({@code invF}).
   */
  public DStream<T> reduceByWindow(BinaryOperator<T> f, BinaryOperator<T> invF, Duration windowDuration,
      Duration slideDuration) {
    return reduce(f).mapToPair(t -> new Pair<>(0, t))
        .reduceByKeyAndWindow(f, invF, windowDuration, slideDuration, 1, null)
        .map(Pair::value);
  }

  /** As {@link #reduceByWindow(BinaryOperator, BinaryOperator, Duration, Duration)}. */
  public DStream<T> reduceByWindow(BinaryOperator<T> f, BinaryOperator<T> invF, java.time.Duration windowDuration,
      java.time.Duration slideDuration) {
    return reduceByWindow(f, invF, Duration.of(windowDuration), Duration.of(slideDuration));
  }

  /** Per window, each distinct element with how often it occurs (incremental). */
  public PairDStream<T, Long> countByValueAndWindow(Duration windowDuration, Duration slideDuration) {
    return countByValueAndWindow(windowDuration, slideDuration, ssc.config().defaultParallelism());
  }

  /** As {@link #countByValueAndWindow(Duration, Duration)}. */
  public PairDStream<T, Long> countByValueAndWindow(java.time.Duration windowDuration,
      java.time.Duration slideDuration) {
    return countByValueAndWindow(Duration.of(windowDuration), Duration.of(slideDuration));
  }

  /** As {@link #countByValueAndWindow(Duration, Duration)}, in {@code numPartitions} hash partitions. */
  public PairDStream<T, Long> countByValueAndWindow(Duration windowDuration, Duration slideDuration,
      int numPartitions) {
    return mapToPair((T t) -> new Pair<>(t, 1L)).reduceByKeyAndWindow(Long::sum, (a, b) -> a - b,
        windowDuration, slideDuration, new HashPartitioner(numPartitions), kv -> kv.value() != 0,
        "countByValueAndWindow");
  }

  /** As {@link #countByValueAndWindow(Duration, Duration, int)}. */
  public PairDStream<T, Long> countByValueAndWindow(java.time.Duration windowDuration,
      java.time.Duration slideDuration, int numPartitions) {
    return countByValueAndWindow(Duration.of(windowDuration), Duration.of(slideDuration), numPartitions);
  }

  // ---------------------------------------------------------------- looking back

  /**
   * Spark's slice: this stream's datasets at the valid times in {@code [fromTime, toTime]} (both
   * included; times that are not the zero time plus a multiple of the slide are first aligned
   * down to one, as Spark does), oldest first.
   *
   * <p>Only datasets that exist are returned: those of completed batches that the stream still
   * remembers (one slide by default; more with a window over it or {@link
   * StreamingContext#remember}), and the batch running now when called from one of its output
   * operations. Times after the running batch are not included (their batches do not exist yet),
   * nor times of batches forgotten. Called from another thread, it waits until the running batch
   * completed.
   *
   * @throws IllegalStateException if the context has not started
   * @throws StreamingException in a group of instances sharing a keyed input: the remembered
   *     batches hold only this instance's partitions, and which ones changes as partitions move
   */
  public List<Dataset<T>> slice(Time fromTime, Time toTime) {
    Objects.requireNonNull(fromTime, "fromTime");
    Objects.requireNonNull(toTime, "toTime");
    if (node.graph().group() != null) {
      throw new StreamingException("slice cannot be used in group '" + node.graph().group() + "': the remembered"
          + " batches hold only the partitions this instance runs, and they move between instances; keep what you"
          + " need across batches in mapWithState");
    }
    Time zero = node.zeroTime();
    if (zero == null) {
      throw new IllegalStateException("The stream " + node + " has not been initialized: slice needs a started"
          + " context");
    }
    long slide = node.slideDuration().milliseconds();
    long from = zero.milliseconds() + Math.floorDiv(fromTime.milliseconds() - zero.milliseconds(), slide) * slide;
    long to = zero.milliseconds() + Math.floorDiv(toTime.milliseconds() - zero.milliseconds(), slide) * slide;
    return node.graph().underBatchLock(() -> {
      List<Dataset<T>> out = new ArrayList<>();
      Time running = node.graph().runningBatch();
      for (long ms = Math.max(from, zero.milliseconds() + slide); ms <= to; ms += slide) {
        Time t = new Time(ms);
        Dataset<T> d = node.remembered(t);
        if (d == null && t.equals(running)) {
          d = node.getOrCompute(t);
        }
        if (d != null) {
          out.add(d);
        }
      }
      return out;
    });
  }

  // ---------------------------------------------------------------- output operations

  /**
   * Runs {@code f} on every batch with its time (Spark's foreachRDD). If {@code f} is {@link
   * AutoCloseable} (a sink holding a connection), it is closed when the context stops, after its
   * last batch.
   */
  public void foreachBatch(BiConsumer<Dataset<T>, Time> f) {
    Objects.requireNonNull(f, "f");
    new OutputOperation<>(node, "foreachBatch", f, OutputFailurePolicy.stop(), f instanceof AutoCloseable c ? c : null);
  }

  /**
   * Runs {@code f} on every batch (Spark's foreachRDD). If {@code f} is {@link AutoCloseable}, it
   * is closed when the context stops, after its last batch.
   */
  public void foreachBatch(Consumer<Dataset<T>> f) {
    Objects.requireNonNull(f, "f");
    new OutputOperation<>(node, "foreachBatch", (d, t) -> f.accept(d), OutputFailurePolicy.stop(),
        f instanceof AutoCloseable c ? c : null);
  }

  /**
   * As {@link #foreachBatch(BiConsumer)}; when {@code f} fails for a batch, {@code onError} says
   * whether to retry it, skip it or stop the context (see {@link OutputErrorPolicy}). If {@code f}
   * is {@link AutoCloseable}, it is closed when the context stops, after its last batch.
   */
  public void foreachBatch(BiConsumer<Dataset<T>, Time> f, OutputErrorPolicy<T> onError) {
    Objects.requireNonNull(f, "f");
    new OutputOperation<>(node, "foreachBatch", f, Objects.requireNonNull(onError, "onError").toInternal(),
        f instanceof AutoCloseable c ? c : null);
  }

  /** As {@link #foreachBatch(Consumer)}, under the error policy {@code onError}. */
  public void foreachBatch(Consumer<Dataset<T>> f, OutputErrorPolicy<T> onError) {
    Objects.requireNonNull(f, "f");
    new OutputOperation<>(node, "foreachBatch", (d, t) -> f.accept(d),
        Objects.requireNonNull(onError, "onError").toInternal(), f instanceof AutoCloseable c ? c : null);
  }

  /**
   * Makes each batch of this stream, as it runs, the SQL table {@code name} (see {@link
   * Dataset#registerTempTable}): {@code ssc.sql("select ... from name")} and the status page
   * query the latest batch. An output operation; needs the {@code uji-sql} module.
   */
  public void registerLatestAsTable(String name) {
    Objects.requireNonNull(name, "name");
    new OutputOperation<>(node, "registerLatestAsTable", (d, t) -> ssc.registerTable(name, d));
  }

  /** Prints the first ten elements of every batch. */
  public void print() {
    print(10);
  }

  /** Prints the first {@code num} elements of every batch, as Spark does. */
  public void print(int num) {
    new OutputOperation<>(node, "print", (d, t) -> {
      List<T> first = d.take(num + 1);
      StringBuilder sb = new StringBuilder();
      sb.append("-------------------------------------------\n");
      sb.append("Time: ").append(t.milliseconds()).append(" ms\n");
      sb.append("-------------------------------------------\n");
      for (int i = 0; i < Math.min(num, first.size()); i++) {
        sb.append(first.get(i)).append('\n');
      }
      if (first.size() > num) {
        sb.append("...\n");
      }
      System.out.println(sb);
    });
  }

  /**
   * Writes every batch as text, one element per line, into the directory
   * {@code prefix-<time in ms>[.suffix]} (one {@code part-NNNNN} file per partition). Each
   * directory appears atomically, complete; a batch replayed after a crash finds it and leaves it.
   */
  public void saveAsTextFiles(String prefix, String suffix) {
    new OutputOperation<>(node, "saveAsTextFiles", new TextFilesOutput<>(prefix, suffix));
  }

  /** As {@link #saveAsTextFiles(String, String)}, under the error policy {@code onError}. */
  public void saveAsTextFiles(String prefix, String suffix, OutputErrorPolicy<T> onError) {
    new OutputOperation<>(node, "saveAsTextFiles", new TextFilesOutput<>(prefix, suffix),
        Objects.requireNonNull(onError, "onError").toInternal());
  }

  /**
   * Sets how often this stream's state is checkpointed (Spark's {@code checkpoint(Duration)}): a
   * multiple of its slide. The context checkpoints at the shortest interval any stream asks for
   * (default: ten batch intervals).
   *
   * @return this stream
   * @throws IllegalArgumentException if the interval is not a positive multiple of the slide
   */
  public DStream<T> checkpoint(Duration interval) {
    requestCheckpoint(interval);
    return this;
  }

  /** As {@link #checkpoint(Duration)}. */
  public DStream<T> checkpoint(java.time.Duration interval) {
    return checkpoint(Duration.of(interval));
  }

  final void requestCheckpoint(Duration interval) {
    if (interval == null || !interval.isPositive() || !interval.isMultipleOf(node.slideDuration())) {
      throw new IllegalArgumentException("The checkpoint interval (" + interval + ") must be a positive multiple "
          + "of the slide duration of the stream (" + node.slideDuration() + ")");
    }
    ssc.requestCheckpointInterval(interval);
  }
}
