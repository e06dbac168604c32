package io.uji.engine.state;

import io.uji.engine.graph.Node;
import io.uji.engine.graph.Placement;
import io.uji.state.StatePartition;
import io.uji.streaming.Dataset;
import io.uji.streaming.Function4;
import io.uji.streaming.Pair;
import io.uji.streaming.Partitioner;
import io.uji.streaming.Time;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * updateStateByKey: every key with state or with data in the batch gets one call per batch
 * (Spark's contract), and the output is every (key, state) after the batch.
 *
 * <p>Per state partition: one pass over the partition's state ({@link StatePartition#forEach},
 * the heap cache when it holds everything, else one RocksDB scan), looking each key up in the
 * batch's {@link KeyGroups}; then the keys of the batch that had no state. No per-key state
 * lookups. A function that returns the state instance it was given leaves the entry clean (no
 * write).
 *
 * @param <K> key type
 * @param <V> value type
 * @param <S> state type
 */
public final class UpdateStateNode<K, V, S> extends UpdateStateByKeyNode<K, V, S> {

  private final Function4<Time, K, List<V>, Optional<S>, Optional<S>> function;

  public UpdateStateNode(Node<Pair<K, V>> parent, Function4<Time, K, List<V>, Optional<S>, Optional<S>> function,
      Partitioner partitioner, Dataset<Pair<K, S>> initialState) {
    super(parent, partitioner, initialState);
    this.function = Objects.requireNonNull(function, "function");
  }

  @Override
  protected List<Pair<K, S>> computePartition(StatePartition<K, S> partition, KeyGroups<K, V> batch, Time t) {
    List<Pair<K, S>> out = new ArrayList<>(Math.max(16, partition.cachedEntries()));
    List<V> none = noValues();
    partition.forEach((k, s) -> {
      int g = batch.find(k);
      List<V> values = none;
      if (g >= 0) {
        batch.mark(g);
        values = batch.valueList(g);
      }
      Optional<S> r = apply(t, k, values, Optional.of(s));
      if (r.isEmpty()) {
        partition.remove(k);
      } else {
        S ns = r.get();
        if (ns != s) {
          checkState(partition.id(), ns);
          partition.put(k, ns);
        }
        out.add(new Pair<>(k, ns));
      }
    });
    for (int g = 0, n = batch.size(); g < n; g++) {
      if (batch.marked(g)) {
        continue;
      }
      K k = batch.key(g);
      Optional<S> r = apply(t, k, batch.valueList(g), Optional.empty());
      if (r.isPresent()) {
        S ns = r.get();
        observe(partition.id(), k, ns);
        partition.put(k, ns);
        out.add(new Pair<>(k, ns));
      }
    }
    partition.endBatch();
    return out;
  }

  private Optional<S> apply(Time t, K k, List<V> values, Optional<S> state) {
    Optional<S> r = function.apply(t, k, values, state);
    if (r == null) {
      throw new NullPointerException("The updateStateByKey function returned null for key " + k
          + "; return Optional.empty() to remove the key");
    }
    return r;
  }

  /** Its output partition g is key group g when the input is placed by origin: it keeps the placement. */
  @Override
  public Placement placement() {
    return inputPlacement();
  }
}
