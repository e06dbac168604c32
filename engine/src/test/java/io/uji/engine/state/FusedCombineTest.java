package io.uji.engine.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.streaming.MapWithStateDStream;
import io.uji.streaming.Pair;
import io.uji.streaming.PairDStream;
import io.uji.streaming.StateSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A combine by key whose only reader is a stateful operator is run by that operator as it groups
 * the batch ({@link io.uji.engine.graph.FusibleCombine}); read by anything else too, the combine
 * computes its dataset as before. Both must give the same states and outputs.
 */
class FusedCombineTest {
  /** Folds a key's values into "v1,v2,...": the order of the fold shows in the result. */
  private static PairDStream<String, String> concatenated(PairDStream<String, Integer> in, AtomicInteger merges) {
    return in.combineByKey(String::valueOf, (String c, Integer v) -> c + "," + v, (a, b) -> {
      merges.incrementAndGet();
      return a + "," + b;
    });
  }

  /** Each state is every value the key ever had, in batch order; the output is the state after the batch. */
  private static StateSpec<String, String, String, String> appendSpec() {
    return StateSpec.<String, String, String, String>function((key, v, st) -> {
      String s = (st.exists() ? st.get() + "|" : "") + v.orElse("");
      st.update(s);
      return key + "=" + s;
    }).types(String.class, String.class);
  }

  private record Run(Map<Long, List<String>> outputs, int merges) {}

  /** Runs the same random batches through combineByKey then mapWithState; {@code alsoRead} gives the combine a second reader. */
  private static Run run(boolean alsoRead) {
    AtomicInteger merges = new AtomicInteger();
    Random rnd = new Random(42);
    try (StateHarness<Pair<String, Integer>> h = new StateHarness<>(StateHarness.config(2, 3))) {
      PairDStream<String, String> combined = concatenated(h.input.mapToPair(p -> p).repartition(3), merges);
      MapWithStateDStream<String, String, String, String> mapped = combined.mapWithState(appendSpec().numPartitions(4));
      StateHarness.Collector<String> out = StateHarness.Collector.on(mapped);
      if (alsoRead) {
        StateHarness.Collector.on(combined);
      }
      h.start();
      for (int b = 0; b < 6; b++) {
        List<Pair<String, Integer>> batch = new ArrayList<>();
        for (int i = 0, n = 50 + rnd.nextInt(100); i < n; i++) {
          batch.add(Pair.of("k" + rnd.nextInt(12), i));
        }
        h.run(batch);
      }
      Map<Long, List<String>> sorted = new TreeMap<>();
      out.sorted().forEach((t, l) -> sorted.put(t, l.stream().sorted().toList()));
      return new Run(sorted, merges.get());
    }
  }

  @Test
  void aCombineReadOnlyByItsStatefulOperatorIsFoldedThereInBatchOrder() {
    Run fused = run(false);
    Run materialized = run(true);
    assertEquals(materialized.outputs(), fused.outputs());
    // Fused, values are only ever folded into a key's running combiner: no two combiners are merged.
    assertEquals(0, fused.merges());
    // Materialized, 3 input partitions of random keys combine apart and are merged.
    assertTrue(materialized.merges() > 0, "the materialized combine should merge the partitions' combiners");
  }

  @Test
  void reduceByKeyThenUpdateStateByKeyGivesEachKeyItsBatchSum() {
    try (StateHarness<Pair<String, Integer>> h = new StateHarness<>(StateHarness.config(2, 3))) {
      Function<List<Integer>, Integer> onlyOne = values -> {
        assertEquals(1, values.size(), "after reduceByKey a key has one value per batch: " + values);
        return values.get(0);
      };
      var totals = h.input.mapToPair(p -> p).reduceByKey(Integer::sum)
          .updateStateByKey((List<Integer> values, Optional<Long> state) ->
              Optional.of(state.orElse(0L) + (values.isEmpty() ? 0 : onlyOne.apply(values))));
      StateHarness.Collector<Pair<String, Long>> out = StateHarness.Collector.on(totals);
      h.start();
      h.run(List.of(Pair.of("a", 1), Pair.of("b", 2), Pair.of("a", 3)));
      long t = h.run(List.of(Pair.of("a", 10), Pair.of("c", 5), Pair.of("a", 1)));
      Map<String, Long> got = new TreeMap<>();
      out.at(t).forEach(kv -> got.put(kv.key(), kv.value()));
      assertEquals(Map.of("a", 15L, "b", 2L, "c", 5L), got);
    }
  }
}
