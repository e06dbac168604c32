package io.uji.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.streaming.Harness.Collector;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StatelessOperatorsTest {
  private static final List<List<Integer>> INPUT =
      List.of(List.of(1, 2, 3), List.of(), List.of(4, 5, 6, 7, 8, 9, 10), List.of(11), List.of());

  private final Harness h = Harness.create();

  @AfterEach
  void stop() {
    h.close();
  }

  private DStream<Integer> input() {
    return TestInputs.queue(h.ssc, INPUT);
  }

  private <T> void assertPerBatch(Collector<T> c, java.util.function.Function<List<Integer>, List<T>> expected) {
    for (int i = 0; i < INPUT.size(); i++) {
      assertEquals(expected.apply(INPUT.get(i)), c.at(h.batchTime(i)), "batch " + i);
    }
  }

  @Test
  void mapAppliesTheFunctionToEveryElementOfEveryBatch() {
    Collector<String> c = Collector.on(input().map(x -> "v" + (x * 10)));
    h.start();
    h.runBatches(INPUT.size());
    assertPerBatch(c, b -> b.stream().map(x -> "v" + (x * 10)).toList());
  }

  @Test
  void flatMapEmitsEveryProducedElementInOrder() {
    Collector<Integer> c = Collector.on(input().flatMap(x -> List.of(x, -x).iterator()));
    h.start();
    h.runBatches(INPUT.size());
    assertPerBatch(c, b -> b.stream().flatMap(x -> java.util.stream.Stream.of(x, -x)).toList());
  }

  @Test
  void filterKeepsOnlyMatchingElements() {
    Collector<Integer> c = Collector.on(input().filter(x -> x % 2 == 0));
    h.start();
    h.runBatches(INPUT.size());
    assertPerBatch(c, b -> b.stream().filter(x -> x % 2 == 0).toList());
  }

  @Test
  void mapPartitionsCallsTheFunctionOncePerPartitionWithThatPartitionsElements() {
    Collector<List<Integer>> c = Collector.on(input().repartition(3).mapPartitions(it -> {
      List<Integer> all = new ArrayList<>();
      it.forEachRemaining(all::add);
      return List.of(all).iterator();
    }));
    h.start();
    h.runBatches(INPUT.size());
    for (int i = 0; i < INPUT.size(); i++) {
      List<List<Integer>> parts = c.at(h.batchTime(i));
      assertEquals(3, parts.size(), "one call per partition");
      assertEquals(INPUT.get(i), parts.stream().flatMap(List::stream).toList());
    }
  }

  @Test
  void unionHoldsTheElementsOfBothStreams() {
    List<List<Integer>> other = List.of(List.of(100), List.of(200, 201), List.of(), List.of(), List.of(300));
    Collector<Integer> c = Collector.on(input().union(TestInputs.queue(h.ssc, other)));
    h.start();
    h.runBatches(INPUT.size());
    for (int i = 0; i < INPUT.size(); i++) {
      List<Integer> expected = new ArrayList<>(INPUT.get(i));
      expected.addAll(other.get(i));
      assertEquals(expected, c.at(h.batchTime(i)));
    }
  }

  @Test
  void unionOfStreamsWithDifferentSlidesIsRejected() {
    DStream<Integer> in = input();
    DStream<Integer> windowed = in.window(Durations.seconds(2), Durations.seconds(2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> in.union(windowed));
    assertTrue(e.getMessage().contains("slide"), e.getMessage());
  }

  @Test
  void repartitionSpreadsEveryBatchEvenlyKeepingOrder() {
    Map<Long, List<Integer>> sizes = new ConcurrentHashMap<>();
    DStream<Integer> r = input().repartition(4);
    r.foreachBatch((d, t) -> sizes.put(t.milliseconds(), d.partitions().stream().map(List::size).toList()));
    Collector<Integer> c = Collector.on(r);
    h.start();
    h.runBatches(INPUT.size());
    for (int i = 0; i < INPUT.size(); i++) {
      List<Integer> s = sizes.get(h.batchTime(i));
      assertEquals(4, s.size());
      int max = s.stream().max(Integer::compare).orElseThrow();
      int min = s.stream().min(Integer::compare).orElseThrow();
      assertTrue(max - min <= 1, "uneven partitions " + s);
      assertEquals(INPUT.get(i), c.at(h.batchTime(i)));
    }
  }

  @Test
  void repartitionRejectsNonPositivePartitionCounts() {
    assertThrows(IllegalArgumentException.class, () -> input().repartition(0));
  }

  @Test
  void transformRunsTheFunctionOnEveryWholeBatchIncludingEmptyOnes() {
    AtomicInteger calls = new AtomicInteger();
    Collector<Integer> c = Collector.on(input().transform(d -> {
      calls.incrementAndGet();
      List<Integer> all = d.collect();
      all.sort(Comparator.reverseOrder());
      return Dataset.of(List.of(all.subList(0, Math.min(2, all.size()))));
    }));
    h.start();
    h.runBatches(INPUT.size());
    assertEquals(INPUT.size(), calls.get());
    assertPerBatch(c, b -> b.stream().sorted(Comparator.reverseOrder()).limit(2).toList());
  }

  @Test
  void transformWithTimeSeesEachBatchsTime() {
    Collector<Long> c = Collector.on(input().transform((d, t) -> Dataset.of(List.of(List.of(t.milliseconds(), d.count())))));
    h.start();
    h.runBatches(INPUT.size());
    for (int i = 0; i < INPUT.size(); i++) {
      assertEquals(List.of(h.batchTime(i), (long) INPUT.get(i).size()), c.at(h.batchTime(i)));
    }
  }

  @Test
  void transformWithCombinesTwoStreamsBatchByBatch() {
    List<List<Integer>> other = List.of(List.of(1), List.of(2), List.of(3), List.of(4), List.of(5));
    Collector<Integer> c = Collector.on(input().transformWith(TestInputs.queue(h.ssc, other),
        (a, b) -> Dataset.of(List.of(List.of((int) a.count() * 100 + b.collect().get(0))))));
    h.start();
    h.runBatches(INPUT.size());
    for (int i = 0; i < INPUT.size(); i++) {
      assertEquals(List.of(INPUT.get(i).size() * 100 + other.get(i).get(0)), c.at(h.batchTime(i)));
    }
  }

  @Test
  void countGivesTheNumberOfElementsAndZeroForEmptyBatches() {
    Collector<Long> c = Collector.on(input().count());
    h.start();
    h.runBatches(INPUT.size());
    assertPerBatch(c, b -> List.of((long) b.size()));
  }

  @Test
  void countByValueCountsEachDistinctElementInTheRequestedPartitions() {
    List<List<String>> words = TestInputs.randomWords(7, 6, 5, 12);
    PairDStream<String, Long> counts = TestInputs.queue(h.ssc, words).countByValue(2);
    Collector<Pair<String, Long>> c = Collector.on(counts);
    h.start();
    h.runBatches(words.size());
    for (int i = 0; i < words.size(); i++) {
      Map<String, Long> expected = words.get(i).stream().collect(Collectors.groupingBy(w -> w, Collectors.counting()));
      assertEquals(expected, toMap(c.at(h.batchTime(i))));
      assertEquals(2, c.partitions.get(h.batchTime(i)));
    }
  }

  @Test
  void reduceCombinesEveryElementAndEmitsNothingForAnEmptyBatch() {
    Collector<Integer> c = Collector.on(input().repartition(3).reduce(Integer::sum));
    h.start();
    h.runBatches(INPUT.size());
    assertPerBatch(c, b -> b.isEmpty() ? List.of() : List.of(b.stream().mapToInt(x -> x).sum()));
  }

  static <K, V> Map<K, V> toMap(List<Pair<K, V>> pairs) {
    Map<K, V> m = new HashMap<>();
    for (Pair<K, V> p : pairs) {
      V old = m.put(p.key(), p.value());
      if (old != null) {
        throw new AssertionError("key " + p.key() + " appears twice");
      }
    }
    return m;
  }

  static <T> Iterator<T> it(List<T> l) {
    return l.iterator();
  }
}
