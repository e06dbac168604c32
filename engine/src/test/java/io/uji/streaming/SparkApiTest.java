package io.uji.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.streaming.Harness.Collector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The parts of Spark Streaming's API that a conformance run found missing, each against Spark's
 * contract: glom, slice, transform and union of a list, the iterator updateStateByKey, keyed
 * streams that stay keyed, transformWithToPair, mapPartitionsToPair and java.time durations.
 */
class SparkApiTest {
  private final Harness h = Harness.create();

  @AfterEach
  void stop() {
    h.close();
  }

  private static <T> List<List<T>> batches(List<T>... bs) {
    return List.of(bs);
  }

  @Test
  void glomMakesEachPartitionOneListElement() {
    List<List<Integer>> input = List.of(List.of(1, 2, 3, 4, 5, 6, 7), List.of());
    Collector<List<Integer>> c = Collector.on(TestInputs.queue(h.ssc, input).repartition(3).glom());
    h.start();
    h.runBatches(2);
    List<List<Integer>> first = c.at(h.batchTime(0));
    assertEquals(3, first.size(), "one list per partition");
    assertEquals(List.of(1, 2, 3, 4, 5, 6, 7), first.stream().flatMap(List::stream).toList());
    assertEquals(3, c.partitions.get(h.batchTime(0)), "the partitions stay");
    assertEquals(List.of(List.of(), List.of(), List.of()), c.at(h.batchTime(1)), "an empty partition gives an empty list");
  }

  @Test
  void mapPartitionsToPairMapsEachPartitionToAKeyedStream() {
    List<List<String>> input = List.of(List.of("a", "b", "a"));
    PairDStream<String, Integer> sizes = TestInputs.queue(h.ssc, input).mapPartitionsToPair(it -> {
      List<Pair<String, Integer>> out = new ArrayList<>();
      it.forEachRemaining(w -> out.add(Pair.of(w, 1)));
      return out.iterator();
    });
    Collector<Pair<String, Integer>> c = Collector.on(sizes.reduceByKey(Integer::sum));
    h.start();
    h.runBatches(1);
    assertEquals(Map.of("a", 2, "b", 1), StatelessOperatorsTest.toMap(c.at(h.batchTime(0))));
  }

  /** Spark's BasicOperationsSuite "slice", on remembered batches. */
  @Test
  void sliceReturnsTheDatasetsOfTheValidTimesBetweenTwoTimesInclusive() {
    DStream<Integer> stream = TestInputs.queue(h.ssc, List.of(List.of(1), List.of(2), List.of(3), List.of(4)));
    stream.foreachBatch(d -> { });
    assertThrows(IllegalStateException.class, () -> stream.slice(new Time(0), new Time(1000)));
    h.ssc.remember(Durations.seconds(10));
    h.start();
    h.runBatches(4);
    assertEquals(Set.of(1), sliced(stream, 0, 1000));
    assertEquals(Set.of(1, 2), sliced(stream, 0, 2000));
    assertEquals(Set.of(1, 2), sliced(stream, 1000, 2000));
    assertEquals(Set.of(2, 3, 4), sliced(stream, 2000, 4000));
    assertEquals(Set.of(1, 2, 3), sliced(stream, 1500, 3500), "times between batches are aligned down, as Spark does");
    assertEquals(Set.of(4), sliced(stream, 4000, 9000), "batches that did not run yet are not there");
  }

  private static Set<Integer> sliced(DStream<Integer> s, long from, long to) {
    return s.slice(new Time(from), new Time(to)).stream().flatMap(d -> d.collect().stream()).collect(Collectors.toSet());
  }

  @Test
  void sliceInsideAnOutputSeesTheRunningBatchAndWhatIsRemembered() {
    DStream<Integer> stream = TestInputs.queue(h.ssc, List.of(List.of(1), List.of(2), List.of(3)));
    DStream<Integer> windowed = stream.window(Durations.seconds(2));
    Map<Long, Set<Integer>> seen = new ConcurrentHashMap<>();
    windowed.foreachBatch((d, t) -> seen.put(t.milliseconds(), sliced(stream, t.milliseconds() - 1000, t.milliseconds())));
    h.start();
    h.runBatches(3);
    assertEquals(Map.of(h.batchTime(0), Set.of(1), h.batchTime(1), Set.of(1, 2), h.batchTime(2), Set.of(2, 3)), seen);
  }

  @Test
  void transformOfAListGetsEachStreamsBatchInListOrder() {
    DStream<Integer> a = TestInputs.queue(h.ssc, List.of(List.of(1, 2), List.of(3)));
    DStream<String> b = TestInputs.queue(h.ssc, List.of(List.of("x"), List.of("y", "z", "w")));
    DStream<String> both = h.ssc.transform(List.of(a, b),
        (ds, t) -> Dataset.of(List.of(List.of(ds.get(0).count() + "+" + ds.get(1).count() + "@" + t.milliseconds()))));
    Collector<String> c = Collector.on(both);
    h.start();
    h.runBatches(3);
    assertEquals(List.of("2+1@" + h.batchTime(0)), c.at(h.batchTime(0)));
    assertEquals(List.of("1+3@" + h.batchTime(1)), c.at(h.batchTime(1)));
    assertEquals(List.of("0+0@" + h.batchTime(2)), c.at(h.batchTime(2)));
  }

  @Test
  void transformToPairOfAListIsKeyed() {
    DStream<String> a = TestInputs.queue(h.ssc, List.of(List.of("a", "b")));
    DStream<String> b = TestInputs.queue(h.ssc, List.of(List.of("a")));
    PairDStream<String, Integer> counts = h.ssc.<String, Integer>transformToPair(List.of(a, b), (ds, t) -> {
      List<Pair<String, Integer>> out = new ArrayList<>();
      for (Dataset<?> d : ds) {
        d.collect().forEach(x -> out.add(Pair.of((String) x, 1)));
      }
      return Dataset.of(List.of(out));
    }).reduceByKey(Integer::sum);
    Collector<Pair<String, Integer>> c = Collector.on(counts);
    h.start();
    h.runBatches(1);
    assertEquals(Map.of("a", 2, "b", 1), StatelessOperatorsTest.toMap(c.at(h.batchTime(0))));
  }

  @Test
  void transformAndUnionOfAListRefuseEmptyListsAndDifferentSlides() {
    DStream<Integer> a = TestInputs.queue(h.ssc, List.of(List.of(1)));
    DStream<Integer> slower = a.window(Durations.seconds(2), Durations.seconds(2));
    assertThrows(IllegalArgumentException.class, () -> h.ssc.union(List.<DStream<Integer>>of()));
    assertThrows(IllegalArgumentException.class, () -> h.ssc.union(List.of(a, slower)));
    assertThrows(IllegalArgumentException.class, () -> h.ssc.transform(List.of(a, slower), (ds, t) -> ds.get(0)));
    StreamingContext other = new StreamingContext(Harness.config(), Durations.milliseconds(Harness.BATCH));
    DStream<Integer> foreign = TestInputs.queue(other, List.of(List.of(1)));
    assertThrows(IllegalArgumentException.class, () -> h.ssc.union(List.of(a, foreign)));
    assertThrows(IllegalArgumentException.class, () -> a.union(foreign));
    a.print();
  }

  @Test
  void unionOfAListHoldsEveryStreamsRecordsInListOrder() {
    DStream<Integer> a = TestInputs.queue(h.ssc, List.of(List.of(1, 2)));
    DStream<Integer> b = TestInputs.queue(h.ssc, List.of(List.of(3)));
    DStream<Integer> c = TestInputs.queue(h.ssc, List.of(List.of(4, 5)));
    Collector<Integer> out = Collector.on(h.ssc.union(List.of(a, b, c)));
    h.start();
    h.runBatches(1);
    assertEquals(List.of(1, 2, 3, 4, 5), out.at(h.batchTime(0)));
  }

  @Test
  void filterWindowUnionAndRepartitionOfAKeyedStreamStayKeyed() {
    PairDStream<String, Integer> a = TestInputs.queue(h.ssc, List.of(List.of("a", "b"), List.of("a")))
        .mapToPair(w -> Pair.of(w, 1));
    PairDStream<String, Integer> b = TestInputs.queue(h.ssc, List.of(List.of("c"), List.of("a")))
        .mapToPair(w -> Pair.of(w, 10));
    PairDStream<String, Integer> keyed = a.filter(p -> !p.key().equals("b")).union(b)
        .window(Durations.seconds(2)).repartition(2).checkpoint(Durations.seconds(1));
    PairDStream<String, Integer> viaContext = h.ssc.union(a, b);
    Collector<Pair<String, Integer>> c = Collector.on(keyed.reduceByKey(Integer::sum));
    Collector<Pair<String, Integer>> u = Collector.on(viaContext.reduceByKey(Integer::sum));
    h.start();
    h.runBatches(2);
    assertEquals(Map.of("a", 1, "c", 10), StatelessOperatorsTest.toMap(c.at(h.batchTime(0))));
    assertEquals(Map.of("a", 12, "c", 10), StatelessOperatorsTest.toMap(c.at(h.batchTime(1))));
    assertEquals(Map.of("a", 11), StatelessOperatorsTest.toMap(u.at(h.batchTime(1))));
  }

  /** Spark's BasicOperationsSuite "transformWith": a join of two keyed batches. */
  @Test
  void transformWithToPairJoinsTheTwoBatches() {
    List<List<String>> in1 = batches(List.of("a", "b"), List.of("a", ""), List.of(""));
    List<List<String>> in2 = batches(List.of("a", ""), List.of("b", ""), List.of("", ""));
    PairDStream<String, Integer> s1 = TestInputs.queue(h.ssc, in1).mapToPair(x -> Pair.of(x, 1));
    PairDStream<String, String> s2 = TestInputs.queue(h.ssc, in2).mapToPair(x -> Pair.of(x, "x"));
    PairDStream<String, Pair<Integer, String>> joined =
        s1.transformWithToPair(s2, (r1, r2) -> PairDataset.of(r1).join(r2));
    Collector<Pair<String, Pair<Integer, String>>> c = Collector.on(joined);
    h.start();
    h.runBatches(3);
    assertEquals(Set.of(Pair.of("a", Pair.of(1, "x"))), Set.copyOf(c.at(h.batchTime(0))));
    assertEquals(Set.of(Pair.of("", Pair.of(1, "x"))), Set.copyOf(c.at(h.batchTime(1))));
    assertEquals(List.of(Pair.of("", Pair.of(1, "x")), Pair.of("", Pair.of(1, "x"))), c.at(h.batchTime(2)));
  }

  @Test
  void transformWithGetsTheBatchTime() {
    DStream<Integer> a = TestInputs.queue(h.ssc, List.of(List.of(1)));
    DStream<Integer> b = TestInputs.queue(h.ssc, List.of(List.of(2)));
    Collector<Long> c = Collector.on(a.transformWith(b,
        (Dataset<Integer> x, Dataset<Integer> y, Time t) -> Dataset.of(List.of(List.of(t.milliseconds())))));
    h.start();
    h.runBatches(1);
    assertEquals(List.of(h.batchTime(0)), c.at(h.batchTime(0)));
  }

  /**
   * The iterator form of updateStateByKey (Spark's {@code Iterator[(K, Seq[V], Option[S])] =>
   * Iterator[(K, S)]}): counts, with an initial state, removing a key by leaving it out.
   */
  @Test
  void updateStateByKeyWithAnIteratorFunctionKeepsWhatItReturns() {
    List<List<String>> input = TestInputs.randomWords(5, 8, 5, 6);
    PairDStream<String, Integer> ones = TestInputs.queue(h.ssc, input).mapToPair(w -> Pair.of(w, 1));
    Dataset<Pair<String, Integer>> initial = Dataset.parallelize(List.of(Pair.of("w0", 100), Pair.of("gone", 7)), 2);
    StateDStream<String, Integer> counts = ones.updateStateByKey((Iterator<StateUpdate<String, Integer, Integer>> it) -> {
      List<Pair<String, Integer>> keep = new ArrayList<>();
      while (it.hasNext()) {
        StateUpdate<String, Integer, Integer> u = it.next();
        int n = u.state().orElse(0) + u.values().size();
        if (!u.key().equals("gone")) {
          keep.add(Pair.of(u.key(), n));
        }
      }
      return keep.iterator();
    }, new HashPartitioner(3), true, initial).name("counts");
    Collector<Pair<String, Integer>> c = Collector.on(counts);
    h.start();
    h.runBatches(input.size());
    Map<String, Integer> model = new TreeMap<>(Map.of("w0", 100));
    for (int i = 0; i < input.size(); i++) {
      for (String w : input.get(i)) {
        model.merge(w, 1, Integer::sum);
      }
      assertEquals(model, new TreeMap<>(StatelessOperatorsTest.toMap(c.at(h.batchTime(i)))), "batch " + i);
    }
  }

  @Test
  void updateStateByKeyWithAnIteratorFunctionMayNotReturnKeysOfOtherPartitions() {
    PairDStream<String, Integer> ones = TestInputs.queue(h.ssc, List.of(List.of("a"))).mapToPair(w -> Pair.of(w, 1));
    ones.updateStateByKey((Iterator<StateUpdate<String, Integer, Integer>> it) -> {
      List<Pair<String, Integer>> out = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        out.add(Pair.of("k" + i, i));
      }
      return out.iterator();
    }, new HashPartitioner(4), false).name("stray").print();
    h.start();
    String failure = h.runUntilFailure();
    assertTrue(failure.contains("updateStateByKey 'stray'") && failure.contains("another partition"), failure);
  }

  @Test
  void updateStateByKeyTimeAwareWithRememberPartitionerGetsTimeAndKey() {
    PairDStream<String, Integer> ones = TestInputs.queue(h.ssc, List.of(List.of("a"), List.of("b")))
        .mapToPair(w -> Pair.of(w, 1));
    Collector<Pair<String, String>> c = Collector.on(ones.updateStateByKey(
        (Time t, String k, List<Integer> vs, Optional<String> s) -> Optional.of(s.orElse("") + k + t.milliseconds()
            + ":" + vs.size() + ";"),
        new HashPartitioner(2), true, null));
    h.start();
    h.runBatches(2);
    long t0 = h.batchTime(0);
    long t1 = h.batchTime(1);
    assertEquals(Map.of("a", "a" + t0 + ":1;a" + t1 + ":0;", "b", "b" + t1 + ":1;"),
        StatelessOperatorsTest.toMap(c.at(t1)));
  }

  @Test
  void javaTimeDurationsAreAcceptedWhereverADurationIs() {
    assertEquals(Durations.seconds(90), Duration.of(java.time.Duration.ofSeconds(90)));
    assertEquals(java.time.Duration.ofMillis(1500), Durations.milliseconds(1500).toJavaDuration());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Duration.of(java.time.Duration.ofNanos(1_500_000)));
    assertTrue(e.getMessage().contains("whole milliseconds"), e.getMessage());

    StreamingContext ssc = new StreamingContext(Harness.config(), java.time.Duration.ofSeconds(1));
    assertEquals(Durations.seconds(1), ssc.batchInterval());
    PairDStream<String, Integer> p = TestInputs.queue(ssc, List.of(List.of("a"))).mapToPair(w -> Pair.of(w, 1));
    assertEquals(Durations.seconds(2), p.window(java.time.Duration.ofSeconds(4), java.time.Duration.ofSeconds(2))
        .slideDuration());
    assertEquals(Durations.seconds(3), p.reduceByKeyAndWindow(Integer::sum, (a, b) -> a - b,
        java.time.Duration.ofSeconds(6), java.time.Duration.ofSeconds(3)).slideDuration());
    assertEquals(Durations.seconds(2), p.groupByKeyAndWindow(java.time.Duration.ofSeconds(2),
        java.time.Duration.ofSeconds(2)).slideDuration());
    assertEquals(Durations.seconds(2), p.countByWindow(java.time.Duration.ofSeconds(2),
        java.time.Duration.ofSeconds(2)).slideDuration());
    StreamingConfig c = StreamingConfig.builder().receiverRestartDelay(java.time.Duration.ofMillis(250))
        .walGroupCommit(java.time.Duration.ofMillis(5)).build();
    assertEquals(Durations.milliseconds(250), c.receiverRestartDelay());
    assertEquals(Durations.milliseconds(5), c.walGroupCommit());
  }

  static Map<String, List<Integer>> groups(List<Pair<String, List<Integer>>> pairs) {
    Map<String, List<Integer>> m = new HashMap<>();
    pairs.forEach(p -> m.put(p.key(), p.value()));
    return m;
  }
}
