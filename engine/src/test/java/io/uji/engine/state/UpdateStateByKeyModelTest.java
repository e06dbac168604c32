package io.uji.engine.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.streaming.Dataset;
import io.uji.streaming.HashPartitioner;
import io.uji.streaming.Pair;
import io.uji.streaming.PairDStream;
import io.uji.streaming.StateDStream;
import io.uji.streaming.StreamingConfig;
import io.uji.streaming.Time;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * updateStateByKey against a reference model: every key with state or data gets one call per
 * batch with its values in batch order; empty removes; the stream is every (key, state).
 */
class UpdateStateByKeyModelTest {

  /** Deterministic; encodes the values' order into the state so an order mistake shows. */
  static Optional<Long> fn(List<Integer> values, Optional<Long> old) {
    long s = old.orElse(0L);
    for (int v : values) {
      s = s * 3 + v;
      s %= 1_000_003;
    }
    if (values.isEmpty()) {
      return s % 4 == 0 ? Optional.empty() : s % 4 == 1 ? old : Optional.of(s + 1);
    }
    return s % 7 == 0 ? Optional.empty() : Optional.of(s);
  }

  static Map<String, Long> modelBatch(Map<String, Long> state, List<Pair<String, Integer>> batch) {
    Map<String, List<Integer>> values = new LinkedHashMap<>();
    for (Pair<String, Integer> r : batch) {
      values.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
    }
    TreeSet<String> keys = new TreeSet<>(state.keySet());
    keys.addAll(values.keySet());
    Map<String, Long> next = new TreeMap<>();
    for (String k : keys) {
      fn(values.getOrDefault(k, List.of()), Optional.ofNullable(state.get(k))).ifPresent(s -> next.put(k, s));
    }
    return next;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
  void shouldMatchTheModelOnRandomBatches(int seed) {
    Random rnd = new Random(seed);
    int partitions = 1 + seed % 3;
    int cache = seed % 2 == 0 ? 1 : 1000;
    int keys = 5 + rnd.nextInt(60);
    StreamingConfig config = StateHarness.config(2, 2).withStateCacheEntriesPerPartition(cache);
    Map<String, Long> model = new TreeMap<>();
    List<Pair<String, Long>> initial = new ArrayList<>();
    if (seed % 3 == 0) {
      for (int i = 0; i < keys; i += 2) {
        initial.add(Pair.of("k" + i, (long) i * 10 + 2));
      }
    }
    try (StateHarness<Pair<String, Integer>> h = new StateHarness<>(config)) {
      PairDStream<String, Integer> pairs = h.input.mapToPair(p -> p);
      StateDStream<String, Long> states = initial.isEmpty()
          ? pairs.updateStateByKey(UpdateStateByKeyModelTest::fn, partitions)
          : pairs.updateStateByKey(UpdateStateByKeyModelTest::fn, new HashPartitioner(partitions),
              Dataset.parallelize(initial, 2));
      StateHarness.Collector<Pair<String, Long>> out = StateHarness.Collector.on(states.name("model-" + seed));
      for (Pair<String, Long> kv : initial) {
        model.put(kv.key(), kv.value());
      }
      h.start();
      boolean removed = false;
      for (int b = 0; b < 12; b++) {
        List<Pair<String, Integer>> batch = new ArrayList<>();
        int size = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(3 * keys);
        for (int i = 0; i < size; i++) {
          batch.add(Pair.of("k" + rnd.nextInt(keys), rnd.nextInt(100)));
        }
        long t = h.run(batch);
        Map<String, Long> next = modelBatch(model, batch);
        removed |= !next.keySet().containsAll(model.keySet());
        model = next;
        Map<String, Long> got = new TreeMap<>();
        for (Pair<String, Long> kv : out.at(t)) {
          assertEquals(null, got.put(kv.key(), kv.value()), "key " + kv.key() + " twice in batch " + t);
        }
        assertEquals(model, got, "state after batch " + t + " (seed " + seed + ")");
      }
      assertTrue(removed, "some keys should have been removed");
    }
  }

  @Test
  void shouldPassTheBatchTimeAndKeyToTheTimeAwareVariant() {
    try (StateHarness<Pair<String, Integer>> h = new StateHarness<>(StateHarness.config(2, 2))) {
      List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
      StateDStream<String, String> s = h.input.mapToPair(p -> p).updateStateByKey(
          (Time t, String k, List<Integer> vs, Optional<String> old) -> {
            calls.add(t.milliseconds() + ":" + k + ":" + vs + ":" + old.orElse("-"));
            return Optional.of(old.orElse("") + vs.size());
          });
      StateHarness.Collector<Pair<String, String>> out = StateHarness.Collector.on(s);
      h.start();
      long t1 = h.run(List.of(Pair.of("a", 1), Pair.of("a", 2)));
      long t2 = h.run(List.of(Pair.of("b", 3)));
      assertEquals(new TreeSet<>(List.of(t1 + ":a:[1, 2]:-", t2 + ":a:[]:2", t2 + ":b:[3]:-")), new TreeSet<>(calls));
      assertEquals(new TreeSet<>(List.of(Pair.of("a", "20"), Pair.of("b", "1")).stream().map(Pair::toString).toList()),
          new TreeSet<>(out.at(t2).stream().map(Pair::toString).toList()));
    }
  }
}
