package io.uji.engine.state;

import io.uji.engine.exec.Datasets;
import io.uji.engine.graph.Node;
import io.uji.engine.graph.Placement;
import io.uji.streaming.Dataset;
import io.uji.streaming.Pair;
import io.uji.streaming.Time;
import java.util.ArrayList;
import java.util.List;

/**
 * mapWithState's {@code stateSnapshots()}: every (key, state) right after the operator computed
 * batch {@code t}, one output partition per state partition. Computing it forces the operator's
 * batch first, and it must be read in that batch (outputs run before the state moves on).
 */
public final class StateSnapshotNode<K, S> extends Node<Pair<K, S>> {
  private final MapWithStateNode<K, ?, S, ?> source;

  public StateSnapshotNode(MapWithStateNode<K, ?, S, ?> source) {
    super(source.graph());
    this.source = source;
  }

  @Override
  public List<Node<?>> dependencies() {
    return List.of(source);
  }

  @Override
  protected Dataset<Pair<K, S>> compute(Time t) {
    if (source.getOrCompute(t) == null) {
      return null;
    }
    int n = source.numPartitions();
    @SuppressWarnings("unchecked")
    List<Pair<K, S>>[] parts = new List[n];
    // Reading may flush the cache (a write): queries must not see it half done.
    source.exclusively(() -> {
      source.pool().run(n, p -> parts[p] = source.snapshot(p));
      return null;
    });
    return Datasets.of(new ArrayList<>(List.of(parts)), source.pool());
  }

  /** One partition per key group: placed by origin when the operator's input is. */
  @Override
  public Placement placement() {
    return source.inputPlacement();
  }
}
