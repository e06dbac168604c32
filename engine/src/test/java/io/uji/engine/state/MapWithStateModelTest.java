package io.uji.engine.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.streaming.Dataset;
import io.uji.streaming.Durations;
import io.uji.streaming.MapWithStateDStream;
import io.uji.streaming.Pair;
import io.uji.streaming.State;
import io.uji.streaming.StateSpec;
import io.uji.streaming.StreamingConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * mapWithState against a reference model: a plain map applying Spark's per-record rules and
 * timeout rule, over random batches (updates, removals, refreshes without update, idle keys
 * timing out, initial state), with several partitions and a write-back cache so small that
 * most state lives in RocksDB.
 */
class MapWithStateModelTest {
  private static final long TIMEOUT = 3000;

  /** The function under test: deterministic in (key, value, state); its output names the call. */
  static String fn(String key, Optional<Integer> value, State<Long> state) {
    String before = state.exists() ? String.valueOf(state.get()) : "-";
    if (state.isTimingOut()) {
      return key + "|timeout|" + before;
    }
    int x = value.orElseThrow();
    if (x % 5 == 0) {
      state.remove(); // also on an absent state, which Spark allows
    } else if (x % 3 != 0) {
      state.update((state.exists() ? state.get() : 0L) + x);
    } // x % 3 == 0: read only, the key's last-seen time is refreshed anyway
    return key + "|" + x + "|" + before;
  }

  /** Spark's semantics on a map: key to {state, lastSeen}. */
  static final class Model {
    final Map<String, long[]> states = new HashMap<>();
    final boolean timed;

    Model(boolean timed) {
      this.timed = timed;
    }

    List<String> batch(long t, List<Pair<String, Integer>> records) {
      List<String> out = new ArrayList<>();
      StateImpl<Long> st = new StateImpl<>();
      for (Pair<String, Integer> r : records) {
        long[] cur = states.get(r.key());
        st.wrap(cur == null ? null : cur[0], cur != null);
        out.add(fn(r.key(), Optional.of(r.value()), st));
        if (st.isRemoved()) {
          states.remove(r.key());
        } else if (st.isUpdated()) {
          states.put(r.key(), new long[] {st.get(), t});
        } else if (cur != null && timed) {
          cur[1] = t;
        }
      }
      if (timed) {
        for (String k : new ArrayList<>(states.keySet())) {
          long[] cur = states.get(k);
          if (cur[1] < t - TIMEOUT) {
            st.wrapTimingOut(cur[0]);
            out.add(fn(k, Optional.empty(), st));
            states.remove(k);
          }
        }
      }
      return out;
    }

    Map<String, Long> snapshot() {
      Map<String, Long> m = new TreeMap<>();
      states.forEach((k, v) -> m.put(k, v[0]));
      return m;
    }
  }

  /** Outputs grouped by key, each key's calls in order (the order across keys is not specified). */
  static Map<String, List<String>> byKey(List<String> outputs) {
    Map<String, List<String>> m = new TreeMap<>();
    for (String o : outputs) {
      m.computeIfAbsent(o.substring(0, o.indexOf('|')), k -> new ArrayList<>()).add(o);
    }
    return m;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
  void shouldMatchTheModelOnRandomBatches(int seed) {
    matchTheModel(seed, false);
  }

  /** Over reduceByKey's output each key comes once per batch, and mapWithState skips grouping the batch again. */
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
  void shouldMatchTheModelOnRandomBatchesReducedByKeyFirst(int seed) {
    matchTheModel(seed, true);
  }

  /** A batch summed per key, keys in order of first arrival (as reduceByKey's combine). */
  private static List<Pair<String, Integer>> sumByKey(List<Pair<String, Integer>> batch) {
    Map<String, Integer> sums = new LinkedHashMap<>();
    for (Pair<String, Integer> r : batch) {
      sums.merge(r.key(), r.value(), Integer::sum);
    }
    List<Pair<String, Integer>> out = new ArrayList<>();
    sums.forEach((k, v) -> out.add(Pair.of(k, v)));
    return out;
  }

  private void matchTheModel(int seed, boolean reduceFirst) {
    Random rnd = new Random(seed);
    int partitions = 1 + seed % 3;
    boolean timed = seed % 4 != 0;
    int cache = seed % 2 == 0 ? 1 : 1000; // 1: nearly everything is read back from RocksDB
    int keys = 5 + rnd.nextInt(40);
    StreamingConfig config = StateHarness.config(2, 2).withStateCacheEntriesPerPartition(cache);
    Model model = new Model(timed);
    List<Pair<String, Long>> initial = new ArrayList<>();
    if (seed % 3 == 0) {
      for (int i = 0; i < keys; i += 3) {
        initial.add(Pair.of("k" + i, (long) i));
      }
    }
    try (StateHarness<Pair<String, Integer>> h = new StateHarness<>(config)) {
      StateSpec<String, Integer, Long, String> spec = StateSpec.function(MapWithStateModelTest::fn);
      spec.numPartitions(partitions).types(String.class, Long.class);
      if (timed) {
        spec.timeout(Durations.milliseconds(TIMEOUT));
      }
      if (!initial.isEmpty()) {
        spec.initialState(Dataset.parallelize(initial, 2));
        for (Pair<String, Long> kv : initial) {
          model.states.put(kv.key(), new long[] {kv.value(), StateHarness.BATCH});
        }
      }
      var pairs = h.input.mapToPair(p -> p);
      MapWithStateDStream<String, Integer, Long, String> mapped =
          (reduceFirst ? pairs.reduceByKey(Integer::sum) : pairs).mapWithState(spec).name("model-" + seed);
      StateHarness.Collector<String> out = StateHarness.Collector.on(mapped);
      StateHarness.Collector<Pair<String, Long>> snaps = StateHarness.Collector.on(mapped.stateSnapshots());
      h.start();
      int timeouts = 0;
      for (int b = 0; b < 14; b++) {
        List<Pair<String, Integer>> batch = new ArrayList<>();
        int size = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(3 * keys);
        int hot = 1 + rnd.nextInt(keys); // later batches leave some keys idle long enough to time out
        for (int i = 0; i < size; i++) {
          batch.add(Pair.of("k" + rnd.nextInt(b > 6 ? hot : keys), 1 + rnd.nextInt(30)));
        }
        long t = h.run(batch);
        List<String> expected = model.batch(t, reduceFirst ? sumByKey(batch) : batch);
        timeouts += (int) expected.stream().filter(o -> o.contains("|timeout|")).count();
        assertEquals(byKey(expected), byKey(out.at(t)), "outputs of batch " + t + " (seed " + seed + ")");
        Map<String, Long> snap = new TreeMap<>();
        for (Pair<String, Long> kv : snaps.at(t)) {
          snap.put(kv.key(), kv.value());
        }
        assertEquals(model.snapshot(), snap, "state after batch " + t + " (seed " + seed + ")");
      }
      assertTrue(!timed || timeouts > 0, "the random batches should have made some keys time out");
    }
  }

  /**
   * A user's partitioner that sends one key to two partitions makes reduceByKey emit that key
   * twice in a batch: mapWithState must still apply both (it groups such a batch by key; only
   * Uji's own partitioners are trusted to give distinct keys).
   */
  @org.junit.jupiter.api.Test
  void aKeySplitByAUsersPartitionerIsStillAppliedOncePerRecord() {
    io.uji.streaming.Partitioner alternating = new io.uji.streaming.Partitioner() {
      private final java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();

      @Override
      public int numPartitions() {
        return 2;
      }

      @Override
      public int getPartition(Object key) {
        return calls.getAndIncrement() % 2;
      }
    };
    try (StateHarness<Pair<String, Integer>> h = new StateHarness<>(StateHarness.config(2, 2))) {
      StateSpec<String, Integer, Long, String> spec = StateSpec.<String, Integer, Long, String>function((k, v, st) -> {
        long c = (st.exists() ? st.get() : 0L) + v.orElse(0);
        st.update(c);
        return k + "=" + c;
      }).types(String.class, Long.class);
      MapWithStateDStream<String, Integer, Long, String> mapped =
          h.input.mapToPair(p -> p).reduceByKey(Integer::sum, alternating).mapWithState(spec);
      StateHarness.Collector<Pair<String, Long>> snaps = StateHarness.Collector.on(mapped.stateSnapshots());
      h.start();
      // One input partition per record is not guaranteed, so send enough records that "a" lands in both partitions.
      List<Pair<String, Integer>> batch = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        batch.add(Pair.of("a", 1));
      }
      long t = h.run(batch);
      assertEquals(List.of(Pair.of("a", 10L)), snaps.at(t));
    }
  }
}
