package io.uji.engine.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.streaming.Durations;
import io.uji.streaming.MapWithStateDStream;
import io.uji.streaming.Pair;
import io.uji.streaming.State;
import io.uji.streaming.StateSpec;
import io.uji.streaming.Time;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Exact timeout batches, State's rules, and state beyond the write-back cache. */
class MapWithStateTimeoutTest {

  /** Counts per key; the timeout call reports the key and count; a value 0 only reads. */
  private static String count(Time t, String key, Optional<Integer> v, State<Long> s, List<String> calls) {
    if (s.isTimingOut()) {
      calls.add(t.milliseconds() + ":timeout:" + key + ":" + s.get());
      return "timeout:" + key;
    }
    if (v.orElseThrow() != 0) {
      s.update(s.getOption().orElse(0L) + v.get());
    }
    return key;
  }

  @Test
  void shouldTimeOutEachIdleKeyExactlyOnceInTheFirstBatchPastItsTimeout() {
    List<String> calls = new CopyOnWriteArrayList<>();
    try (StateHarness<Pair<String, Integer>> h = new StateHarness<>(StateHarness.config(2, 2))) {
      StateSpec<String, Integer, Long, String> spec = StateSpec.function(
          (Time t, String k, Optional<Integer> v, State<Long> s) -> Optional.of(count(t, k, v, s, calls)));
      MapWithStateDStream<String, Integer, Long, String> m =
          h.input.mapToPair(p -> p).mapWithState(spec.timeout(Durations.milliseconds(2000)).numPartitions(3));
      StateHarness.Collector<Pair<String, Long>> snaps = StateHarness.Collector.on(m.stateSnapshots());
      h.start();
      // t=1000: a, b, c seen. Timeout 2000: due in the first batch t with lastSeen < t - 2000.
      h.run(List.of(Pair.of("a", 1), Pair.of("b", 1), Pair.of("c", 1)));
      // t=2000: b updated; c read only (value 0): its last-seen time is refreshed all the same.
      h.run(List.of(Pair.of("b", 1), Pair.of("c", 0)));
      h.run(List.of()); // t=3000: 1000 < 1000 is false, nothing due
      assertEquals(List.of(), calls);
      long t4 = h.run(List.of()); // t=4000: a (1000 < 2000) is due; b and c (2000) are not
      assertEquals(List.of(t4 + ":timeout:a:1"), calls);
      long t5 = h.run(List.of(Pair.of("b", 1))); // b has data: never timing out in this batch
      assertEquals(List.of(t4 + ":timeout:a:1", t5 + ":timeout:c:1"), calls);
      assertEquals(Map.of("b", 3L), toMap(snaps.at(t5)));
      h.run(List.of());
      h.run(List.of());
      long t8 = h.run(List.of()); // b last seen 5000: due at 8000
      assertEquals(List.of(t4 + ":timeout:a:1", t5 + ":timeout:c:1", t8 + ":timeout:b:3"), calls);
      h.run(List.of());
      h.run(List.of(Pair.of("a", 5))); // a comes back as a new key
      assertEquals(3, calls.size(), "each timeout fires once");
      assertEquals(Map.of("a", 5L), toMap(snaps.at(10_000)));
    }
  }

  @Test
  void shouldRefuseUpdateAndRemoveOnATimingOutState() {
    List<String> seen = new CopyOnWriteArrayList<>();
    try (StateHarness<Pair<String, Integer>> h = new StateHarness<>(StateHarness.config(2, 1))) {
      StateSpec<String, Integer, Integer, String> spec = StateSpec.function((String k, Optional<Integer> v, State<Integer> s) -> {
        if (s.isTimingOut()) {
          seen.add(assertThrows(IllegalArgumentException.class, () -> s.update(1)).getMessage());
          seen.add(assertThrows(IllegalArgumentException.class, s::remove).getMessage());
        } else {
          s.update(v.orElseThrow());
        }
        return k;
      });
      h.input.mapToPair(p -> p).mapWithState(spec.timeout(Durations.milliseconds(1000))).foreachBatch(d -> { });
      h.start();
      h.run(List.of(Pair.of("x", 1)));
      h.run(List.of());
      h.run(List.of());
      assertEquals(List.of("Cannot update the state that is timing out", "Cannot remove the state that is timing out"),
          seen);
    }
  }

  @Test
  void shouldThrowOnGetOfAnAbsentStateAndOnUpdateAfterRemove() {
    StateImpl<String> s = new StateImpl<>();
    s.wrap(null, false);
    assertThrows(NoSuchElementException.class, s::get);
    assertEquals(Optional.empty(), s.getOption());
    s.update("a");
    assertEquals("a", s.get());
    s.remove();
    assertThrows(IllegalArgumentException.class, () -> s.update("b"));
    assertThrows(IllegalArgumentException.class, s::remove);
    s.wrap("c", true);
    assertTrue(s.exists());
    assertThrows(NullPointerException.class, () -> s.update(null));
  }

  @Test
  void shouldKeepStateBeyondTheWriteBackCacheBound() {
    // Far more keys in one batch than the cache holds, and more than one processing chunk, so
    // the cache evicts during the batch and most keys are read back from RocksDB next batch.
    int keys = MapWithStateNode.CHUNK * 2 + 1234;
    try (StateHarness<Pair<Integer, Integer>> h =
        new StateHarness<>(StateHarness.config(2, 1).withStateCacheEntriesPerPartition(500))) {
      StateSpec<Integer, Integer, Long, Long> spec = StateSpec.function((Integer k, Optional<Integer> v, State<Long> s) -> {
        long c = s.getOption().orElse(0L) + v.orElseThrow();
        s.update(c);
        return c;
      });
      MapWithStateDStream<Integer, Integer, Long, Long> m = h.input.mapToPair(p -> p)
          .mapWithState(spec.types(Integer.class, Long.class).timeout(Durations.seconds(3600)));
      StateHarness.Collector<Pair<Integer, Long>> snaps = StateHarness.Collector.on(m.stateSnapshots());
      h.start();
      List<Pair<Integer, Integer>> batch = new ArrayList<>();
      for (int i = 0; i < keys; i++) {
        batch.add(Pair.of(i, i % 7 + 1));
      }
      h.run(batch);
      long t = h.run(batch);
      Map<Integer, Long> state = new TreeMap<>();
      for (Pair<Integer, Long> kv : snaps.at(t)) {
        state.put(kv.key(), kv.value());
      }
      assertEquals(keys, state.size());
      for (int i = 0; i < keys; i++) {
        assertEquals(2L * (i % 7 + 1), state.get(i), "key " + i);
      }
    }
  }

  private static Map<String, Long> toMap(List<Pair<String, Long>> pairs) {
    Map<String, Long> m = new TreeMap<>();
    pairs.forEach(kv -> m.put(kv.key(), kv.value()));
    return m;
  }
}
