package io.uji.streaming;

import static io.uji.streaming.StatelessOperatorsTest.toMap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.streaming.Harness.Collector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Window operators against windows computed directly from the input lists. Spark's alignment:
 * with zero time {@code z}, a stream of slide {@code s} outputs at {@code t} iff {@code t > z}
 * and {@code (t - z) % s == 0}; its window covers the batches in {@code (t - length, t]}.
 */
class WindowOperatorsTest {
  private static final long B = Harness.BATCH;
  /** Words with empty batches in between (batches 1, 4, 5 and everything after 8). */
  private static final List<List<String>> WORDS = List.of(
      List.of("a", "b", "a"), List.of(), List.of("c"), List.of("a", "c", "c", "d"), List.of(), List.of(),
      List.of("b"), List.of("a", "a", "e"), List.of("d"));
  private static final int RUN = WORDS.size() + 4;

  private Harness h = Harness.create();

  @AfterEach
  void stop() {
    h.close();
  }

  private static Duration ms(long m) {
    return Durations.milliseconds(m);
  }

  /** @return the output times of a stream with slide {@code slide} over the batches run */
  private List<Long> outputTimes(long slide, int batches) {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < batches; i++) {
      long t = h.batchTime(i);
      if ((t - h.zeroTime()) % slide == 0) {
        out.add(t);
      }
    }
    return out;
  }

  /** @return the elements of the batches in {@code (t - length, t]}, oldest batch first */
  private <T> List<T> window(List<List<T>> input, long t, long length) {
    List<T> out = new ArrayList<>();
    for (int i = 0; i < input.size(); i++) {
      long bt = h.batchTime(i);
      if (bt > t - length && bt <= t) {
        out.addAll(input.get(i));
      }
    }
    return out;
  }

  /** @return the elements of the batches in {@code (from, to]} */
  private <T> List<T> between(List<List<T>> input, long from, long to) {
    return window(input, to, to - from);
  }

  private static Map<String, Long> countWords(List<String> words) {
    Map<String, Long> m = new HashMap<>();
    words.forEach(w -> m.merge(w, 1L, Long::sum));
    return m;
  }

  @Test
  void windowCoversTheLastBatchesOfItsLengthIncludingEmptyOnes() {
    Collector<String> c = Collector.on(TestInputs.queue(h.ssc, WORDS).window(ms(3 * B)));
    h.start();
    h.runBatches(RUN);
    assertEquals(new TreeSet<>(outputTimes(B, RUN)), c.times());
    for (long t : outputTimes(B, RUN)) {
      assertEquals(window(WORDS, t, 3 * B), c.at(t), "window at " + t);
    }
  }

  @Test
  void windowWithALongerSlideOutputsOnlyAtSlideMultiplesAndKeepsSkippedBatches() {
    Collector<String> c = Collector.on(TestInputs.queue(h.ssc, WORDS).window(ms(3 * B), ms(2 * B)));
    h.start();
    h.runBatches(RUN);
    assertEquals(new TreeSet<>(outputTimes(2 * B, RUN)), c.times());
    for (long t : outputTimes(2 * B, RUN)) {
      assertEquals(window(WORDS, t, 3 * B), c.at(t), "window at " + t);
    }
  }

  @Test
  void firstWindowOutputIsAtTheFirstBatchTimeAlignedToTheSlideFromTheZeroTime() {
    h.close();
    h = new Harness(1500, Harness.config());
    Collector<String> c = Collector.on(TestInputs.queue(h.ssc, WORDS).window(ms(2 * B), ms(2 * B)));
    h.start();
    h.runBatches(6);
    // First batch at 2000, zero time 1000: outputs at 3000, 5000, 7000.
    assertEquals(Set.of(3000L, 5000L, 7000L), c.times());
    for (long t : c.times()) {
      assertEquals(window(WORDS, t, 2 * B), c.at(t), "window at " + t);
    }
  }

  @Test
  void windowOfAWindowSlidesOverTheParentsOutputs() {
    DStream<String> inner = TestInputs.queue(h.ssc, WORDS).window(ms(2 * B), ms(2 * B));
    Collector<String> c = Collector.on(inner.window(ms(4 * B), ms(4 * B)));
    h.start();
    h.runBatches(RUN);
    assertEquals(new TreeSet<>(outputTimes(4 * B, RUN)), c.times());
    for (long t : c.times()) {
      assertEquals(window(WORDS, t, 4 * B), c.at(t), "window at " + t);
    }
  }

  @Test
  void windowAndSlideThatAreNotMultiplesOfTheBatchIntervalAreRejected() {
    DStream<String> in = TestInputs.queue(h.ssc, WORDS);
    PairDStream<String, Long> pairs = in.mapToPair(w -> new Pair<>(w, 1L));
    assertRejected(() -> in.window(ms(1500)), "window duration");
    assertRejected(() -> in.window(ms(2000), ms(500)), "slide duration");
    assertRejected(() -> in.countByWindow(ms(2500), ms(1000)), "window duration");
    assertRejected(() -> in.reduceByWindow(String::concat, ms(2000), ms(1200)), "slide duration");
    assertRejected(() -> pairs.reduceByKeyAndWindow(Long::sum, (a, b) -> a - b, ms(1001), ms(1000)), "window duration");
    assertRejected(() -> pairs.reduceByKeyAndWindow(Long::sum, ms(3000), ms(1500)), "slide duration");
    assertRejected(() -> pairs.groupByKeyAndWindow(ms(3000), ms(1500)), "slide duration");
    assertRejected(() -> in.countByValueAndWindow(ms(700), ms(1000)), "window duration");
    DStream<String> windowed = in.window(ms(4000), ms(2000));
    assertRejected(() -> windowed.window(ms(3000), ms(2000)), "window duration");
  }

  @Test
  void zeroOrNegativeWindowAndSlideAreRejected() {
    DStream<String> in = TestInputs.queue(h.ssc, WORDS);
    assertRejected(() -> in.window(ms(0)), "positive");
    assertRejected(() -> in.window(ms(-1000)), "positive");
    assertRejected(() -> in.window(ms(2000), ms(0)), "positive");
    assertRejected(() -> in.window(ms(2000), ms(-1000)), "positive");
    assertRejected(() -> in.countByValueAndWindow(ms(2000), ms(0)), "positive");
  }

  private static void assertRejected(Executable e, String mentions) {
    IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
    assertTrue(x.getMessage().contains(mentions), "message '" + x.getMessage() + "' should mention " + mentions);
  }

  @Test
  void countByWindowCountsTheElementsOfEachWindow() {
    Collector<Long> c = Collector.on(TestInputs.queue(h.ssc, WORDS).countByWindow(ms(3 * B), ms(B)));
    h.start();
    h.runBatches(RUN);
    List<Long> times = outputTimes(B, RUN);
    assertEquals(new TreeSet<>(times), c.times());
    boolean seen = false;
    for (long t : times) {
      long n = window(WORDS, t, 3 * B).size();
      seen |= n > 0;
      // Incremental (Spark): once the window had elements, an emptied window counts 0.
      assertEquals(seen ? List.of(n) : List.of(), c.at(t), "count at " + t);
    }
  }

  @Test
  void reduceByWindowReducesEachWindowAndEmitsNothingForAnEmptyWindow() {
    Collector<String> c = Collector.on(TestInputs.queue(h.ssc, WORDS)
        .reduceByWindow((a, b) -> a.compareTo(b) >= 0 ? a : b, ms(2 * B), ms(B)));
    h.start();
    h.runBatches(RUN);
    for (long t : outputTimes(B, RUN)) {
      List<String> w = window(WORDS, t, 2 * B);
      assertEquals(w.isEmpty() ? List.of() : List.of(w.stream().max(String::compareTo).orElseThrow()), c.at(t));
    }
  }

  @Test
  void reduceByWindowWithInverseMatchesTheSumOfEachWindow() {
    List<List<Integer>> ints = TestInputs.randomInts(3, 14, 50, 6);
    Collector<Integer> c = Collector.on(TestInputs.queue(h.ssc, ints)
        .reduceByWindow(Integer::sum, (a, b) -> a - b, ms(4 * B), ms(2 * B)));
    h.start();
    h.runBatches(ints.size() + 4);
    boolean seen = false;
    List<Long> times = outputTimes(2 * B, ints.size() + 4);
    assertEquals(new TreeSet<>(times), c.times());
    for (long t : times) {
      List<Integer> w = window(ints, t, 4 * B);
      seen |= !w.isEmpty();
      assertEquals(seen ? List.of(w.stream().mapToInt(x -> x).sum()) : List.of(), c.at(t), "sum at " + t);
    }
  }

  @Test
  void reduceByKeyAndWindowReducesEachKeyOverItsWindow() {
    PairDStream<String, Long> pairs = TestInputs.queue(h.ssc, WORDS).mapToPair(w -> new Pair<>(w, 1L));
    Collector<Pair<String, Long>> c = Collector.on(pairs.reduceByKeyAndWindow(Long::sum, ms(3 * B), ms(2 * B), 2));
    h.start();
    h.runBatches(RUN);
    for (long t : outputTimes(2 * B, RUN)) {
      assertEquals(countWords(window(WORDS, t, 3 * B)), toMap(c.at(t)), "window at " + t);
      assertEquals(2, c.partitions.get(t));
    }
  }

  static Stream<Arguments> windowShapes() {
    List<Arguments> out = new ArrayList<>();
    long[][] shapes = {{3, 1}, {4, 2}, {2, 2}, {5, 3}, {1, 1}, {3, 3}};
    for (long seed = 1; seed <= 3; seed++) {
      for (long[] s : shapes) {
        out.add(Arguments.of(seed, s[0], s[1]));
      }
    }
    return out.stream();
  }

  /** (word, value) pairs with values 1..9, from a seeded random input. */
  private static List<List<Pair<String, Integer>>> randomPairs(long seed, int n) {
    java.util.Random r = new java.util.Random(seed * 31);
    List<List<Pair<String, Integer>>> out = new ArrayList<>();
    for (List<String> b : TestInputs.randomWords(seed, n, 6, 8)) {
      List<Pair<String, Integer>> pb = new ArrayList<>();
      for (String w : b) {
        pb.add(new Pair<>(w, 1 + r.nextInt(9)));
      }
      out.add(pb);
    }
    return out;
  }

  private static Map<String, Integer> sums(List<Pair<String, Integer>> pairs) {
    Map<String, Integer> m = new HashMap<>();
    pairs.forEach(p -> m.merge(p.key(), p.value(), Integer::sum));
    return m;
  }

  @ParameterizedTest(name = "seed {0}, window {1}, slide {2} batches")
  @MethodSource("windowShapes")
  void reduceByKeyAndWindowWithInverseMatchesADirectReduceOfEachWindow(long seed, long window, long slide) {
    List<List<Pair<String, Integer>>> input = randomPairs(seed, 14);
    PairDStream<String, Integer> in = new PairDStream<>(TestInputs.queue(h.ssc, input));
    Collector<Pair<String, Integer>> c = Collector.on(
        in.reduceByKeyAndWindow(Integer::sum, (a, b) -> a - b, ms(window * B), ms(slide * B)));
    int run = input.size() + (int) window + 2;
    h.start();
    h.runBatches(run);
    List<Long> times = outputTimes(slide * B, run);
    assertEquals(new TreeSet<>(times), c.times());
    Set<String> present = new HashSet<>();
    long previous = Long.MIN_VALUE;
    for (long t : times) {
      Map<String, Integer> sums = sums(window(input, t, window * B));
      // Without a filter (Spark): a key stays once seen; its value is its window's sum (0 if none).
      present.addAll(sums.keySet());
      if (previous != Long.MIN_VALUE) {
        between(input, previous, t).forEach(p -> present.add(p.key()));
      }
      Map<String, Integer> expected = new HashMap<>();
      for (String k : present) {
        expected.put(k, sums.getOrDefault(k, 0));
      }
      assertEquals(expected, toMap(c.at(t)), "window at " + t);
      previous = t;
    }
  }

  @ParameterizedTest(name = "seed {0}, window {1}, slide {2} batches")
  @MethodSource("windowShapes")
  void reduceByKeyAndWindowWithInverseAndFilterDropsFilteredKeys(long seed, long window, long slide) {
    List<List<Pair<String, Integer>>> input = randomPairs(seed + 100, 14);
    PairDStream<String, Integer> in = new PairDStream<>(TestInputs.queue(h.ssc, input));
    Collector<Pair<String, Integer>> c = Collector.on(in.reduceByKeyAndWindow(Integer::sum, (a, b) -> a - b,
        ms(window * B), ms(slide * B), 2, kv -> kv.value() != 0));
    int run = input.size() + (int) window + 2;
    h.start();
    h.runBatches(run);
    for (long t : outputTimes(slide * B, run)) {
      assertEquals(sums(window(input, t, window * B)), toMap(c.at(t)), "window at " + t);
    }
  }

  @Test
  void countByValueAndWindowCountsEachValueOfEachWindowWithoutZeroCounts() {
    Collector<Pair<String, Long>> c = Collector.on(TestInputs.queue(h.ssc, WORDS).countByValueAndWindow(ms(3 * B), ms(B)));
    h.start();
    h.runBatches(RUN);
    for (long t : outputTimes(B, RUN)) {
      assertEquals(countWords(window(WORDS, t, 3 * B)), toMap(c.at(t)), "window at " + t);
    }
  }

  @Test
  void groupByKeyAndWindowGroupsEveryValueOfEachWindow() {
    List<List<Pair<String, Integer>>> input = randomPairs(9, 10);
    PairDStream<String, Integer> in = new PairDStream<>(TestInputs.queue(h.ssc, input));
    Collector<Pair<String, List<Integer>>> c = Collector.on(in.groupByKeyAndWindow(ms(3 * B), ms(2 * B), 3));
    h.start();
    h.runBatches(14);
    for (long t : outputTimes(2 * B, 14)) {
      Map<String, List<Integer>> expected = new HashMap<>();
      for (Pair<String, Integer> p : window(input, t, 3 * B)) {
        expected.computeIfAbsent(p.key(), k -> new ArrayList<>()).add(p.value());
      }
      expected.values().forEach(l -> l.sort(null));
      Map<String, List<Integer>> actual = new HashMap<>(toMap(c.at(t)));
      actual.replaceAll((k, v) -> v.stream().sorted().toList());
      assertEquals(expected, actual, "window at " + t);
    }
  }

  static <T, R> List<R> mapAll(List<T> in, Function<T, R> f) {
    return in.stream().map(f).toList();
  }
}
