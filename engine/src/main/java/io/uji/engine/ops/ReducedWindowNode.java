package io.uji.engine.ops;

import io.uji.engine.exec.Datasets;
import io.uji.engine.graph.Node;
import io.uji.streaming.Dataset;
import io.uji.streaming.Duration;
import io.uji.streaming.Pair;
import io.uji.streaming.Partitioner;
import io.uji.streaming.Time;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * reduceByKeyAndWindow with an inverse function (Spark's ReducedWindowedDStream): the new window
 * is the previous window, plus the batches that entered ({@code reduce}), minus the batches that
 * left ({@code invReduce}), then filtered. The parent is already reduced per batch.
 *
 * <p>When the previous window is not cached (the first window, or after recovery) the window is
 * reduced from its batches directly, which gives the same result for a correct inverse.
 */
public final class ReducedWindowNode<K, V> extends Node<Pair<K, V>> {
  private final Node<Pair<K, V>> reduced;
  private final BinaryOperator<V> reduce;
  private final BinaryOperator<V> invReduce;
  private final Predicate<Pair<K, V>> filter;
  private final Duration window;
  private final Duration slide;
  private final Partitioner partitioner;
  private final String operator;

  /** @param operator the operator the user called, named in errors */
  public ReducedWindowNode(Node<Pair<K, V>> reducedPerBatch, BinaryOperator<V> reduce, BinaryOperator<V> invReduce,
      Predicate<Pair<K, V>> filter, Duration window, Duration slide, Partitioner partitioner, String operator) {
    super(reducedPerBatch.graph());
    WindowChecks.check(reducedPerBatch, window, slide);
    this.reduced = reducedPerBatch;
    this.reduce = reduce;
    this.invReduce = invReduce;
    this.filter = filter;
    this.window = window;
    this.slide = slide;
    this.partitioner = partitioner;
    this.operator = operator;
  }

  @Override
  public List<Node<?>> dependencies() {
    return List.of(reduced);
  }

  @Override
  public Duration slideDuration() {
    return slide;
  }

  /** The previous window must still be cached when the next one is computed. */
  @Override
  protected Duration minRememberDuration() {
    return slide.times(2);
  }

  @Override
  protected Duration parentRememberDuration() {
    return rememberDuration().plus(window);
  }

  @Override
  protected Dataset<Pair<K, V>> compute(Time t) {
    Duration parentSlide = reduced.slideDuration();
    Time currentBegin = t.minus(window).plus(parentSlide);
    Time previousEnd = t.minus(slide);
    Dataset<Pair<K, V>> previous = previousEnd.isAfter(zeroTime()) ? cached(previousEnd) : null;
    if (previous == null) {
      return full(reduced.slice(currentBegin, t));
    }
    Time previousBegin = previousEnd.minus(window).plus(parentSlide);
    List<Dataset<Pair<K, V>>> old = reduced.slice(previousBegin, currentBegin.minus(parentSlide));
    List<Dataset<Pair<K, V>>> added = reduced.slice(previousEnd.plus(parentSlide), t);
    return incremental(previous, old, added);
  }

  private Dataset<Pair<K, V>> full(List<Dataset<Pair<K, V>>> batches) {
    Dataset<Pair<K, V>> all = union(batches);
    Dataset<Pair<K, V>> r = ShuffleNode.combine(all, Function.identity(), reduce, reduce, partitioner, operator);
    return filter == null ? r : r.filter(filter);
  }

  private Dataset<Pair<K, V>> incremental(Dataset<Pair<K, V>> previous, List<Dataset<Pair<K, V>>> old,
      List<Dataset<Pair<K, V>>> added) {
    // Tag values by origin: 0 = previous window, 1 = left the window, 2 = entered the window.
    List<List<Pair<K, Tagged<V>>>> parts = new ArrayList<>();
    tag(parts, List.of(previous), 0);
    tag(parts, old, 1);
    tag(parts, added, 2);
    Dataset<Pair<K, Tagged<V>>> all = Datasets.of(parts, graph.pool());
    Dataset<Pair<K, Acc<V>>> grouped = ShuffleNode.combine(all,
        tv -> new Acc<V>().add(tv, reduce), (acc, tv) -> acc.add(tv, reduce), (a, b) -> a.merge(b, reduce), partitioner,
        operator);
    return grouped.mapEachPartition(in -> {
      List<Pair<K, V>> out = new ArrayList<>(in.size());
      for (Pair<K, Acc<V>> kv : in) {
        Acc<V> acc = kv.value();
        V value;
        if (acc.hasPrevious) {
          value = acc.previous;
          if (acc.hasOld) {
            value = invReduce.apply(value, acc.old);
          }
          if (acc.hasNew) {
            value = reduce.apply(value, acc.added);
          }
        } else if (acc.hasNew) {
          // Not in the previous window (or filtered out of it, as holding the identity): values
          // that left it can still be in the entered batches too, when the slide is longer than
          // the window (the batches between two windows) — they must cancel out, so take them off.
          value = acc.hasOld ? invReduce.apply(acc.added, acc.old) : acc.added;
        } else {
          // Only values leaving a window the key was filtered out of: nothing to keep.
          continue;
        }
        Pair<K, V> p = new Pair<>(kv.key(), value);
        if (filter == null || filter.test(p)) {
          out.add(p);
        }
      }
      return out;
    });
  }

  private static <K, V> Dataset<Pair<K, V>> union(List<Dataset<Pair<K, V>>> ds) {
    List<List<Pair<K, V>>> parts = new ArrayList<>();
    for (Dataset<Pair<K, V>> d : ds) {
      parts.addAll(d.partitions());
    }
    if (parts.isEmpty()) {
      parts.add(List.of());
    }
    return Datasets.of(parts, ds.isEmpty() ? null : Datasets.pool(ds.get(0)));
  }

  private static <K, V> void tag(List<List<Pair<K, Tagged<V>>>> parts, List<Dataset<Pair<K, V>>> ds, int origin) {
    for (Dataset<Pair<K, V>> d : ds) {
      for (List<Pair<K, V>> p : d.partitions()) {
        List<Pair<K, Tagged<V>>> tagged = new ArrayList<>(p.size());
        for (Pair<K, V> kv : p) {
          tagged.add(new Pair<>(kv.key(), new Tagged<>(origin, kv.value())));
        }
        parts.add(tagged);
      }
    }
  }

  private record Tagged<V>(int origin, V value) {}

  /** Per key: the previous window's value and the reduced values that left and entered. */
  private static final class Acc<V> {
    V previous;
    V old;
    V added;
    boolean hasPrevious;
    boolean hasOld;
    boolean hasNew;

    Acc<V> add(Tagged<V> tv, BinaryOperator<V> reduce) {
      switch (tv.origin()) {
        case 0 -> {
          previous = tv.value();
          hasPrevious = true;
        }
        case 1 -> {
          old = hasOld ? reduce.apply(old, tv.value()) : tv.value();
          hasOld = true;
        }
        default -> {
          added = hasNew ? reduce.apply(added, tv.value()) : tv.value();
          hasNew = true;
        }
      }
      return this;
    }

    Acc<V> merge(Acc<V> o, BinaryOperator<V> reduce) {
      if (o.hasPrevious) {
        previous = o.previous;
        hasPrevious = true;
      }
      if (o.hasOld) {
        old = hasOld ? reduce.apply(old, o.old) : o.old;
        hasOld = true;
      }
      if (o.hasNew) {
        added = hasNew ? reduce.apply(added, o.added) : o.added;
        hasNew = true;
      }
      return this;
    }
  }
}
