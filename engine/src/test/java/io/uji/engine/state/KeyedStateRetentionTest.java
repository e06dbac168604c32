package io.uji.engine.state;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.uji.streaming.Pair;
import io.uji.streaming.StateSpec;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A batch's records must not outlive the batch inside the keyed-state operators: a record still
 * referenced when a young collection runs is copied, then promoted, and promoted batches are what
 * fill the old generation of a long-running service (full GCs). Only what the state keeps (its
 * keys and states) may stay.
 */
class KeyedStateRetentionTest {
  /** A value the state functions read but never keep. */
  private record Payload(int n) {}

  private static List<Pair<String, Payload>> batchHolding(Payload payload) {
    List<Pair<String, Payload>> batch = new ArrayList<>();
    batch.add(Pair.of("a", payload));
    for (int i = 0; i < 100; i++) {
      batch.add(Pair.of("k" + i, new Payload(i)));
    }
    return batch;
  }

  /** Starts {@code h}, runs one batch holding a payload, and waits for the payload to be collected. */
  private static void runOneBatchAndAwaitItsPayloadCollected(StateHarness<Pair<String, Payload>> h,
      StateHarness.Collector<?> out) {
    h.start();
    Payload payload = new Payload(-1);
    WeakReference<Payload> ref = new WeakReference<>(payload);
    long t = h.run(batchHolding(payload));
    payload = null;

    assertEquals(101, out.byTime.get(t).size());
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      System.gc();
      return ref.get() == null;
    });
  }

  @Test
  void mapWithStateKeepsNoValueOfABatchOnceItIsDone() {
    try (StateHarness<Pair<String, Payload>> h = new StateHarness<>(StateHarness.config(2, 2))) {
      StateSpec<String, Payload, Long, Long> spec = StateSpec.function((key, value, state) -> {
        long c = state.exists() ? state.get() + 1 : 1;
        state.update(c);
        return c;
      });
      StateHarness.Collector<Long> out = StateHarness.Collector.on(h.input.mapToPair(p -> p).mapWithState(spec.numPartitions(3)));
      runOneBatchAndAwaitItsPayloadCollected(h, out);
    }
  }

  @Test
  void updateStateByKeyKeepsNoValueOfABatchOnceItIsDone() {
    try (StateHarness<Pair<String, Payload>> h = new StateHarness<>(StateHarness.config(2, 2))) {
      StateHarness.Collector<Pair<String, Long>> out = StateHarness.Collector.on(h.input.mapToPair(p -> p)
          .<Long>updateStateByKey((values, old) -> Optional.of(old.orElse(0L) + values.size())));
      runOneBatchAndAwaitItsPayloadCollected(h, out);
    }
  }
}
