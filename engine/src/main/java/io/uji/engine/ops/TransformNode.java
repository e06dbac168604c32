package io.uji.engine.ops;

import io.uji.engine.exec.Datasets;
import io.uji.engine.graph.Node;
import io.uji.streaming.Dataset;
import io.uji.streaming.Time;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Applies a function over whole batches, every batch (Spark's transform): the function gets the
 * parents' datasets at {@code t} (an empty dataset where a parent has none) and the time.
 */
public final class TransformNode<R> extends Node<R> {
  private final List<Node<?>> parents;
  private final BiFunction<List<Dataset<?>>, Time, Dataset<R>> f;

  /**
   * @throws IllegalArgumentException if there are no parents, or they differ in slide duration
   *     or belong to different contexts (Spark's TransformedDStream refuses them too)
   */
  public TransformNode(List<Node<?>> parents, BiFunction<List<Dataset<?>>, Time, Dataset<R>> f) {
    super(SameSlide.check(parents, "transform").graph());
    this.parents = List.copyOf(parents);
    this.f = f;
  }

  @Override
  public List<Node<?>> dependencies() {
    return parents;
  }

  @Override
  protected Dataset<R> compute(Time t) {
    List<Dataset<?>> ins = new ArrayList<>(parents.size());
    for (Node<?> p : parents) {
      Dataset<?> d = p.getOrCompute(t);
      ins.add(d != null ? d : Datasets.empty(1, graph.pool()));
    }
    Dataset<R> out = f.apply(ins, t);
    if (out == null) {
      throw new IllegalStateException("the transform function returned null for batch " + t);
    }
    return Datasets.pool(out) == null ? Datasets.of(out.partitions(), graph.pool()) : out;
  }
}
