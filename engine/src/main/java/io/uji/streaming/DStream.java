package io.uji.streaming;

import io.uji.engine.graph.Node;
import io.uji.engine.graph.OutputOperation;
import io.uji.engine.ops.MapPartitionsNode;
import io.uji.engine.ops.RepartitionNode;
import io.uji.engine.ops.TextFilesOutput;
import io.uji.engine.ops.TransformNode;
import io.uji.engine.ops.UnionNode;
import io.uji.engine.ops.WindowNode;
import java.util.ArrayList;
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
 * context starts.
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

  // ---------------------------------------------------------------- narrow transformations

  public <R> DStream<R> map(Function<? super T, ? extends R> f) {
    Objects.requireNonNull(f, "f");
    return wrap(new MapPartitionsNode<T, R>(node, (T t, java.util.function.Consumer<? super R> out) -> out.accept(f.apply(t))));
  }

  /** Spark's mapToPair: a keyed stream. */
  public <K, V> PairDStream<K, V> mapToPair(Function<? super T, Pair<K, V>> f) {
    return new PairDStream<>(map(f));
  }

  /** Each element to zero or more elements (the function returns an iterator, as in Spark's Java API). */
  public <R> DStream<R> flatMap(Function<? super T, ? extends Iterator<? extends R>> f) {
    Objects.requireNonNull(f, "f");
    return wrap(new MapPartitionsNode<T, R>(node, (T t, java.util.function.Consumer<? super R> out) -> {
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

  public DStream<T> filter(Predicate<? super T> f) {
    Objects.requireNonNull(f, "f");
    return wrap(new MapPartitionsNode<T, T>(node, (T t, java.util.function.Consumer<? super T> out) -> {
      if (f.test(t)) {
        out.accept(t);
      }
    }));
  }

  /** The function sees one partition's elements at a time. */
  public <R> DStream<R> mapPartitions(Function<? super Iterator<T>, ? extends Iterator<? extends R>> f) {
    Objects.requireNonNull(f, "f");
    return wrap(new MapPartitionsNode<T, R>(node, in -> {
      List<R> out = new ArrayList<>();
      Iterator<? extends R> it = f.apply(java.util.Collections.unmodifiableList(in).iterator());
      while (it.hasNext()) {
        out.add(it.next());
      }
      return out;
    }));
  }

  /** The elements of this stream and {@code other} (same slide duration). */
  public DStream<T> union(DStream<T> other) {
    return wrap(new UnionNode<>(List.of(node, other.node)));
  }

  /** Spreads every batch evenly over {@code numPartitions} partitions. */
  public DStream<T> repartition(int numPartitions) {
    return wrap(new RepartitionNode<>(node, numPartitions));
  }

  /** Applies a function to every batch's whole dataset (Spark's transform), every batch. */
  public <R> DStream<R> transform(Function<Dataset<T>, Dataset<R>> f) {
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

  /** Spark's transformWith: a function of this stream's and another stream's batch. */
  @SuppressWarnings("unchecked")
  public <U, R> DStream<R> transformWith(DStream<U> other, BiFunction<Dataset<T>, Dataset<U>, Dataset<R>> f) {
    Objects.requireNonNull(f, "f");
    return wrap(new TransformNode<R>(List.of(node, other.node),
        (ins, t) -> f.apply((Dataset<T>) ins.get(0), (Dataset<U>) ins.get(1))));
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

  public PairDStream<T, Long> countByValue(int numPartitions) {
    return mapToPair((T t) -> new Pair<>(t, 1L)).reduceByKey(Long::sum, numPartitions);
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

  /**
   * Every {@code slideDuration}, the elements of the last {@code windowDuration}.
   *
   * @throws IllegalArgumentException if either is not a multiple of this stream's slide
   */
  public DStream<T> window(Duration windowDuration, Duration slideDuration) {
    return wrap(new WindowNode<>(node, windowDuration, slideDuration));
  }

  /** Number of elements in each window. */
  public DStream<Long> countByWindow(Duration windowDuration, Duration slideDuration) {
    return map(t -> 1L).reduceByWindow(Long::sum, (a, b) -> a - b, windowDuration, slideDuration);
  }

  /** Each window's elements reduced. */
  public DStream<T> reduceByWindow(BinaryOperator<T> f, Duration windowDuration, Duration slideDuration) {
    return reduce(f).window(windowDuration, slideDuration).reduce(f);
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

  /** Per window, each distinct element with how often it occurs (incremental). */
  public PairDStream<T, Long> countByValueAndWindow(Duration windowDuration, Duration slideDuration) {
    return countByValueAndWindow(windowDuration, slideDuration, ssc.config().defaultParallelism());
  }

  public PairDStream<T, Long> countByValueAndWindow(Duration windowDuration, Duration slideDuration,
      int numPartitions) {
    return mapToPair((T t) -> new Pair<>(t, 1L)).reduceByKeyAndWindow(Long::sum, (a, b) -> a - b,
        windowDuration, slideDuration, numPartitions, kv -> kv.value() != 0);
  }

  // ---------------------------------------------------------------- output operations

  /**
   * Runs {@code f} on every batch with its time (Spark's foreachRDD). If {@code f} is {@link
   * AutoCloseable} (a sink holding a connection), it is closed when the context stops, after its
   * last batch.
   */
  public void foreachBatch(BiConsumer<Dataset<T>, Time> f) {
    Objects.requireNonNull(f, "f");
    new OutputOperation<>(node, "foreachBatch", f, f instanceof AutoCloseable c ? c : null);
  }

  /**
   * Runs {@code f} on every batch (Spark's foreachRDD). If {@code f} is {@link AutoCloseable}, it
   * is closed when the context stops, after its last batch.
   */
  public void foreachBatch(Consumer<Dataset<T>> f) {
    Objects.requireNonNull(f, "f");
    new OutputOperation<>(node, "foreachBatch", (d, t) -> f.accept(d), f instanceof AutoCloseable c ? c : null);
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

  /**
   * Sets how often this stream's state is checkpointed (Spark's {@code checkpoint(Duration)}): a
   * multiple of its slide. The context checkpoints at the shortest interval any stream asks for
   * (default: ten batch intervals).
   */
  public DStream<T> checkpoint(Duration interval) {
    if (interval == null || !interval.isPositive() || !interval.isMultipleOf(node.slideDuration())) {
      throw new IllegalArgumentException("The checkpoint interval (" + interval + ") must be a positive multiple "
          + "of the slide duration of the stream (" + node.slideDuration() + ")");
    }
    ssc.requestCheckpointInterval(interval);
    return this;
  }
}
