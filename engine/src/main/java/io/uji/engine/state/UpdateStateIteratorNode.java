package io.uji.engine.state;

import io.uji.engine.graph.Node;
import io.uji.engine.graph.Placement;
import io.uji.state.StatePartition;
import io.uji.streaming.Dataset;
import io.uji.streaming.Pair;
import io.uji.streaming.Partitioner;
import io.uji.streaming.StateUpdate;
import io.uji.streaming.Time;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * updateStateByKey with Spark's iterator function: per state partition and batch, one call with
 * every key that has state or data, whose result is the partition's new state (a key left out
 * loses its state). Same kind, state layout and checkpoints as {@link UpdateStateNode}, so a
 * program may switch between the two forms across restarts.
 *
 * <p>The partition's keys are gathered into a list before the call (one pass over the state, then
 * the batch's new keys), since the user's function pulls them through an iterator while the
 * state can only be visited by a callback.
 *
 * @param <K> key type
 * @param <V> value type
 * @param <S> state type
 */
public final class UpdateStateIteratorNode<K, V, S> extends UpdateStateByKeyNode<K, V, S> {

  private final Function<Iterator<StateUpdate<K, V, S>>, Iterator<Pair<K, S>>> function;

  public UpdateStateIteratorNode(Node<Pair<K, V>> parent,
      Function<Iterator<StateUpdate<K, V, S>>, Iterator<Pair<K, S>>> function, Partitioner partitioner,
      Dataset<Pair<K, S>> initialState) {
    super(parent, partitioner, initialState);
    this.function = Objects.requireNonNull(function, "function");
  }

  @Override
  protected List<Pair<K, S>> computePartition(StatePartition<K, S> partition, KeyGroups<K, V> batch, Time t) {
    List<StateUpdate<K, V, S>> updates = new ArrayList<>(partition.cachedEntries() + batch.size());
    Map<K, S> before = new HashMap<>();
    List<V> none = noValues();
    partition.forEach((k, s) -> {
      int g = batch.find(k);
      List<V> values = none;
      if (g >= 0) {
        batch.mark(g);
        values = batch.valueList(g);
      }
      updates.add(new StateUpdate<>(k, values, Optional.of(s)));
      before.put(k, s);
    });
    for (int g = 0, n = batch.size(); g < n; g++) {
      if (!batch.marked(g)) {
        updates.add(new StateUpdate<>(batch.key(g), batch.valueList(g), Optional.empty()));
      }
    }
    Iterator<Pair<K, S>> result = function.apply(Collections.unmodifiableList(updates).iterator());
    if (result == null) {
      throw new NullPointerException("The function of " + describe() + " returned null in batch " + t
          + "; return an empty iterator to remove every key");
    }
    List<Pair<K, S>> out = new ArrayList<>(updates.size());
    Map<K, S> kept = new HashMap<>();
    while (result.hasNext()) {
      Pair<K, S> kv = result.next();
      if (kv == null || kv.key() == null || kv.value() == null) {
        throw new NullPointerException("The function of " + describe() + " returned " + kv + " in batch " + t
            + "; return a (key, state) pair for each key to keep, and leave out the keys to remove");
      }
      K k = kv.key();
      if (!placedByOrigin() && keyGroupOf(k) != partition.id()) {
        throw new IllegalStateException("The function of " + describe() + " returned the key " + k + " in batch " + t
            + ", which belongs to another partition than the keys it was given; it may only return keys of its"
            + " partition");
      }
      if (kept.put(k, kv.value()) != null) {
        throw new IllegalStateException("The function of " + describe() + " returned the key " + k
            + " twice in batch " + t + "; a key has one state");
      }
      out.add(kv);
    }
    for (StateUpdate<K, V, S> u : updates) {
      if (!kept.containsKey(u.key())) {
        if (u.state().isPresent()) {
          partition.remove(u.key());
        }
      }
    }
    for (Pair<K, S> kv : out) {
      S old = before.get(kv.key());
      if (old == null) {
        observe(partition.id(), kv.key(), kv.value());
        partition.put(kv.key(), kv.value());
      } else if (old != kv.value()) {
        checkState(partition.id(), kv.value());
        partition.put(kv.key(), kv.value());
      }
    }
    partition.endBatch();
    return out;
  }

  /** Its output partition g is key group g when the input is placed by origin: it keeps the placement. */
  @Override
  public Placement placement() {
    return inputPlacement();
  }
}
