package io.uji.engine.state;

import io.uji.engine.graph.Node;
import io.uji.state.StatePartition;
import io.uji.state.TimeIndex;
import io.uji.streaming.Duration;
import io.uji.streaming.Function3;
import io.uji.streaming.Function4;
import io.uji.streaming.HashPartitioner;
import io.uji.streaming.Pair;
import io.uji.streaming.State;
import io.uji.streaming.Time;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * mapWithState: per state partition, looks up the batch's distinct keys once ({@code getAll}),
 * calls the function for each record of each key in batch order carrying the state from record
 * to record, writes each key back once, then fires the timeouts that fell due.
 *
 * <h2>Timeouts</h2>
 * Spark's rule: a key times out in the first batch {@code t} with {@code lastSeen < t - timeout};
 * a record of the key refreshes {@code lastSeen} even when the function leaves the state alone.
 * The partition's {@link TimeIndex} files each key once, under its last-seen time when filed
 * ({@link TimedState#filedAt}); a new key a little before its first batch ({@link
 * TimeoutFiling}: keys created together then come due over several batches, not in one). At
 * {@code t} the buckets of times {@code < t - timeout} are taken out; for each key still filed
 * there, either it is due (one call with {@code isTimingOut()}, then removed) or it was seen
 * since and is filed again under its last-seen time. So a key with
 * steady traffic costs one index write per timeout period, not one per batch, and an entry is
 * re-examined at most once per period (a new key once more, up to half a period early).
 *
 * @param <K> key type
 * @param <V> value type
 * @param <S> state type
 * @param <M> mapped type
 */
public final class MapWithStateNode<K, V, S, M> extends KeyedStateNode<K, V, S, TimedState<S>, M> {
  /** Keys looked up and written per step; the cache may evict between steps. */
  static final int CHUNK = 1 << 16;

  private final Function3<K, Optional<V>, State<S>, M> function;
  private final Function4<Time, K, Optional<V>, State<S>, Optional<M>> timedFunction;
  /** Idle timeout in ms, or -1 without one. */
  private final long timeoutMs;
  /** Where keys are filed in the time index (null without a timeout). */
  private final TimeoutFiling filing;
  private StateImpl<S>[] states;
  private ArrayList<TimedState<S>>[] lookups;
  private ChunkOutcome<S>[] outcomes;

  @SuppressWarnings("unchecked")
  public MapWithStateNode(Node<Pair<K, V>> parent, MapWithStateSpec<K, V, S, M> spec, int defaultPartitions) {
    super(parent, spec.partitioner() != null ? spec.partitioner() : new HashPartitioner(defaultPartitions),
        "mapWithState", spec.keyType(), spec.stateType(), spec.initialState());
    this.function = spec.function();
    this.timedFunction = spec.timedFunction();
    Duration timeout = spec.timeout();
    this.timeoutMs = timeout == null ? -1 : timeout.milliseconds();
    this.filing = timeout == null ? null : new TimeoutFiling(timeoutMs);
    if (spec.name() != null) {
      rename(spec.name());
    }
    if (!spec.formerIds().isEmpty()) {
      formerly(spec.formerIds().toArray(String[]::new));
    }
  }

  /** @return whether keys time out after an idle period */
  public boolean hasTimeout() {
    return timeoutMs >= 0;
  }

  @Override
  protected boolean filesTimes() {
    return hasTimeout();
  }

  @Override
  protected long filedAt(TimedState<S> stored) {
    return stored.filedAt;
  }

  @Override
  @SuppressWarnings("unchecked")
  protected void openKeyGroups(int count) {
    states = new StateImpl[count];
    lookups = new ArrayList[count];
    outcomes = new ChunkOutcome[count];
    for (int g = 0; g < count; g++) {
      states[g] = new StateImpl<>();
      lookups[g] = new ArrayList<>();
      outcomes[g] = new ChunkOutcome<>();
    }
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  protected Class<TimedState<S>> storedType() {
    return (Class) TimedState.class;
  }

  @Override
  protected TimedState<S> initialRecord(S state, long firstBatchTime) {
    return new TimedState<>(state, firstBatchTime, firstBatchTime);
  }

  @Override
  protected void initialKeysLoaded(StatePartition<K, TimedState<S>> partition, List<K> keys, long firstBatchTime) {
    if (timeoutMs >= 0) {
      partition.timeIndex().add(firstBatchTime, keys);
    }
  }

  @Override
  protected S userState(TimedState<S> stored) {
    return stored.state;
  }

  /**
   * @return the user's state of every key of partition {@code p} (for stateSnapshots); in a
   *     group, partition p is key group p, and nothing when it does not run here
   */
  public List<Pair<K, S>> snapshot(int p) {
    List<Pair<K, S>> out = new ArrayList<>();
    if (!runsHere(p)) {
      return out;
    }
    table().partition(p).forEach((k, r) -> out.add(new Pair<>(k, r.state)));
    return out;
  }

  /** Walks the batch's groups in order: a parent with distinct keys needs no grouping. */
  @Override
  protected boolean findsGroupsByKey() {
    return false;
  }

  @Override
  protected List<M> computePartition(StatePartition<K, TimedState<S>> partition, KeyGroups<K, V> batch, Time t) {
    int p = partition.id();
    ArrayList<TimedState<S>> found = lookups[p];
    ChunkOutcome<S> outcome = outcomes[p];
    final long now = t.milliseconds();
    final boolean timed = timeoutMs >= 0;
    List<M> out = new ArrayList<>(batch.records() + 16);
    for (int from = 0, groups = batch.size(); from < groups; from += CHUNK) {
      int to = Math.min(groups, from + CHUNK);
      found.clear();
      found.ensureCapacity(to - from); // one allocation, not a grow per doubling (10% of a profile's samples)
      partition.getAll(batch.keys(from, to), found);
      outcome.reset(to - from);
      callFunction(p, batch, from, to, found, outcome, t, out);
      // Positional writes: the entries found by getAll, no second hash lookup.
      writeKept(partition, found, outcome, now, timed);
      removeRemoved(partition, outcome);
      createNew(partition, batch, from, outcome, now, timed);
      outcome.clear(to - from);
      found.clear();
      if (to < groups) {
        // Lets the cache evict between chunks: a batch touching more keys than the cache holds
        // (state bigger than the heap) then adds at most a chunk on top of the bound.
        partition.endBatch();
      }
    }
    if (timed) {
      fireTimeouts(partition, states[p], t, out);
    }
    partition.endBatch();
    return out;
  }

  /**
   * Calls the function for each record of keys {@code [from, to)} in batch order, carrying each
   * key's state from record to record (its state before: {@code found}, at the key's position in
   * the chunk), and records in {@code outcome} what became of each key.
   */
  private void callFunction(int p, KeyGroups<K, V> batch, int from, int to, List<TimedState<S>> found,
      ChunkOutcome<S> outcome, Time t, List<M> out) {
    StateImpl<S> st = states[p];
    // Records often share one value instance (a constant 1L, say): reuse its Optional.
    Object lastValue = null;
    Optional<V> lastOptional = Optional.empty();
    for (int g = from; g < to; g++) {
      K key = batch.key(g);
      TimedState<S> rec = found.get(g - from);
      boolean existed = rec != null;
      S cur = existed ? rec.state : null;
      boolean exists = existed;
      boolean changed = false;
      for (int r = batch.first(g); r >= 0; r = batch.next(r)) {
        V v = batch.value(r);
        if (v != lastValue || lastOptional.isEmpty()) {
          lastValue = v;
          lastOptional = Optional.ofNullable(v);
        }
        st.wrap(cur, exists);
        call(t, key, lastOptional, st, out);
        if (st.isRemoved()) {
          exists = false;
          cur = null;
          changed = true;
        } else if (st.isUpdated()) {
          cur = st.get();
          exists = true;
          changed = true;
        }
      }
      int at = g - from;
      if (existed) {
        if (exists) {
          outcome.keep(at, cur, changed);
        } else {
          outcome.remove(at);
        }
      } else if (exists) {
        outcome.create(at, cur);
      }
    }
  }

  /** Writes back the keys that existed and still do. */
  private void writeKept(StatePartition<K, TimedState<S>> partition, List<TimedState<S>> found,
      ChunkOutcome<S> outcome, long now, boolean timed) {
    int p = partition.id();
    for (int k = 0, n = outcome.keptCount; k < n; k++) {
      int at = outcome.kept[k];
      boolean changed = outcome.changed(at);
      // With a timeout, lastSeen must be refreshed even without an update (Spark's rule).
      if (changed || timed) {
        TimedState<S> rec = found.get(at);
        S cur = outcome.state(at);
        if (changed) {
          checkState(p, cur);
        }
        rec.state = cur;
        rec.lastSeen = now;
        partition.putAt(at, rec);
      }
    }
  }

  private void removeRemoved(StatePartition<K, TimedState<S>> partition, ChunkOutcome<S> outcome) {
    for (int k = 0, n = outcome.removedCount; k < n; k++) {
      partition.removeAt(outcome.removed[k]);
    }
  }

  /**
   * Puts the keys the function created and, with a timeout, files them in the time index (from
   * the bytes getAll serialized, before the chunk's positions expire).
   */
  private void createNew(StatePartition<K, TimedState<S>> partition, KeyGroups<K, V> batch, int from,
      ChunkOutcome<S> outcome, long now, boolean timed) {
    int p = partition.id();
    int n = outcome.createdCount;
    int[] slots = timed ? new int[n] : null;
    for (int k = 0; k < n; k++) {
      int at = outcome.created[k];
      K key = batch.key(from + at);
      S cur = outcome.state(at);
      observe(p, key, cur);
      if (timed) {
        int slot = filing.slot(now, key.hashCode());
        partition.putAt(at, new TimedState<>(cur, now, filing.time(now, slot)));
        slots[k] = slot;
      } else {
        partition.putAt(at, new TimedState<>(cur, now, now));
      }
    }
    if (timed) {
      // Also for a chunk without new keys (the time index skips an empty filing): a test of the
      // count here, true in every chunk of the first batches, was compiled as a trap that threw
      // the compiled loop away at the first chunk with none (session-count's batch 3).
      fileFresh(partition, now, outcome.created, slots, n);
    }
  }

  /** Files the new keys at getAll positions {@code fresh[0, n)}, each under its slot's time, in one call. */
  private void fileFresh(StatePartition<K, TimedState<S>> partition, long now, int[] fresh, int[] slots, int n) {
    int[] starts = new int[TimeoutFiling.SLOTS + 1];
    for (int k = 0; k < n; k++) {
      starts[slots[k] + 1]++;
    }
    for (int s = 0; s < TimeoutFiling.SLOTS; s++) {
      starts[s + 1] += starts[s];
    }
    int[] bySlot = new int[n];
    int[] next = Arrays.copyOf(starts, TimeoutFiling.SLOTS);
    for (int k = 0; k < n; k++) {
      bySlot[next[slots[k]]++] = fresh[k];
    }
    long[] times = new long[TimeoutFiling.SLOTS];
    for (int s = 0; s < TimeoutFiling.SLOTS; s++) {
      times[s] = filing.time(now, s);
    }
    partition.fileAt(times, bySlot, starts);
  }

  private void call(Time t, K key, Optional<V> value, StateImpl<S> st, List<M> out) {
    if (function != null) {
      out.add(function.apply(key, value, st));
    } else {
      Optional<M> m = timedFunction.apply(t, key, value, st);
      if (m.isPresent()) {
        out.add(m.get());
      }
    }
  }

  /** Takes out the index buckets that fell due at {@code t}; times out or re-files their keys. */
  private void fireTimeouts(StatePartition<K, TimedState<S>> partition, StateImpl<S> st, Time t, List<M> out) {
    long threshold = t.milliseconds() - timeoutMs; // due: lastSeen < threshold
    List<TimeIndex.Bucket<K>> buckets = partition.timeIndex().pollUpTo(threshold - 1);
    if (buckets.isEmpty()) {
      return;
    }
    ArrayList<K> due = new ArrayList<>();
    List<Long> filedAt = new ArrayList<>();
    // In a group, a key group restored from its changelog may have a key filed twice under the
    // same time (once per changelog record of it): it must time out once.
    boolean dedupe = placedByOrigin();
    for (TimeIndex.Bucket<K> b : buckets) {
      java.util.Set<K> seen = dedupe ? new java.util.HashSet<>() : null;
      for (K k : b.keys()) {
        if (seen != null && !seen.add(k)) {
          continue;
        }
        due.add(k);
        filedAt.add(b.time());
      }
    }
    // The same list class as the batch's keys (KeyArray): getAll stays compiled for one.
    List<K> keys = new KeyArray<>(due.toArray(), 0, due.size());
    ArrayList<TimedState<S>> found = new ArrayList<>(keys.size());
    partition.getAll(keys, found);
    TreeMap<Long, List<K>> refile = new TreeMap<>();
    Optional<V> none = Optional.empty();
    for (int i = 0; i < keys.size(); i++) {
      TimedState<S> rec = found.get(i);
      long f = filedAt.get(i);
      if (rec == null || rec.filedAt != f) {
        continue; // stale: the key was removed, or filed again by a later life
      }
      K key = keys.get(i);
      if (rec.lastSeen < threshold) {
        st.wrapTimingOut(rec.state);
        call(t, key, none, st, out);
        partition.removeAt(i);
      } else {
        rec.filedAt = rec.lastSeen;
        partition.putAt(i, rec);
        refile.computeIfAbsent(rec.lastSeen, x -> new ArrayList<>()).add(key);
      }
    }
    TimeIndex<K> index = partition.timeIndex();
    refile.forEach(index::add);
  }
}
