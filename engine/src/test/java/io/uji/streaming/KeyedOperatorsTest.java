package io.uji.streaming;

import static io.uji.streaming.StatelessOperatorsTest.toMap;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.uji.streaming.Harness.Collector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KeyedOperatorsTest {
  private static final int BATCHES = 6;
  private static final List<List<String>> LEFT_WORDS = TestInputs.randomWords(11, BATCHES, 6, 10);
  private static final List<List<String>> RIGHT_WORDS = TestInputs.randomWords(12, BATCHES, 6, 6);

  private final Harness h = Harness.create();

  @AfterEach
  void stop() {
    h.close();
  }

  /** Left: (word, position in batch); right: (word, "r" + position). */
  private PairDStream<String, Integer> left() {
    return TestInputs.queue(h.ssc, LEFT_WORDS).mapToPair(w -> new Pair<>(w.substring(0, 2), w.length() * 0 + w.hashCode() % 7));
  }

  private static List<Pair<String, Integer>> leftPairs(int i) {
    return LEFT_WORDS.get(i).stream().map(w -> new Pair<>(w.substring(0, 2), w.hashCode() % 7)).toList();
  }

  private PairDStream<String, String> right() {
    return TestInputs.queue(h.ssc, RIGHT_WORDS).mapToPair(w -> new Pair<>(w, "r" + w));
  }

  private static List<Pair<String, String>> rightPairs(int i) {
    return RIGHT_WORDS.get(i).stream().map(w -> new Pair<>(w, "r" + w)).toList();
  }

  private PairDStream<String, Integer> words() {
    return TestInputs.queue(h.ssc, LEFT_WORDS).mapToPair(w -> new Pair<>(w, w.length()));
  }

  private static Map<String, List<Integer>> grouped(int i) {
    Map<String, List<Integer>> m = new HashMap<>();
    for (String w : LEFT_WORDS.get(i)) {
      m.computeIfAbsent(w, k -> new ArrayList<>()).add(w.length());
    }
    return m;
  }

  private static <V> Map<String, List<V>> groupValues(List<Pair<String, V>> pairs) {
    Map<String, List<V>> m = new TreeMap<>();
    for (Pair<String, V> p : pairs) {
      m.computeIfAbsent(p.key(), k -> new ArrayList<>()).add(p.value());
    }
    return m;
  }

  /** Values per key as sorted strings: join output order within a key is not specified. */
  private static <V> Map<String, List<String>> normalized(List<Pair<String, V>> pairs) {
    Map<String, List<String>> m = new TreeMap<>();
    for (Pair<String, V> p : pairs) {
      m.computeIfAbsent(p.key(), k -> new ArrayList<>()).add(String.valueOf(p.value()));
    }
    m.values().forEach(l -> l.sort(null));
    return m;
  }

  private static void assertPartitionedByHash(Harness h, Collector<? extends Pair<String, ?>> c, int n, Map<Long, List<List<String>>> keysByPartition) {
    for (Map.Entry<Long, List<List<String>>> e : keysByPartition.entrySet()) {
      List<List<String>> parts = e.getValue();
      assertEquals(n, parts.size(), "partitions at " + e.getKey());
      for (int p = 0; p < n; p++) {
        for (String k : parts.get(p)) {
          assertEquals(new HashPartitioner(n).getPartition(k), p, "key " + k + " in partition " + p);
        }
      }
    }
  }

  private static Map<Long, List<List<String>>> keysPerPartition(DStream<? extends Pair<String, ?>> s) {
    Map<Long, List<List<String>>> m = new java.util.concurrent.ConcurrentHashMap<>();
    s.foreachBatch((d, t) -> {
      List<List<String>> parts = new ArrayList<>();
      for (List<? extends Pair<String, ?>> p : d.partitions()) {
        parts.add(p.stream().map(Pair::key).toList());
      }
      m.put(t.milliseconds(), parts);
    });
    return m;
  }

  @Test
  void mapValuesKeepsKeysAndMapsValues() {
    Collector<Pair<String, Integer>> c = Collector.on(words().mapValues(v -> v * 3));
    h.start();
    h.runBatches(BATCHES);
    for (int i = 0; i < BATCHES; i++) {
      assertEquals(LEFT_WORDS.get(i).stream().map(w -> new Pair<>(w, w.length() * 3)).toList(), c.at(h.batchTime(i)));
    }
  }

  @Test
  void flatMapValuesEmitsOnePairPerProducedValue() {
    Collector<Pair<String, Integer>> c = Collector.on(words().flatMapValues(v -> List.of(v, v + 1)));
    h.start();
    h.runBatches(BATCHES);
    for (int i = 0; i < BATCHES; i++) {
      List<Pair<String, Integer>> expected = new ArrayList<>();
      for (String w : LEFT_WORDS.get(i)) {
        expected.add(new Pair<>(w, w.length()));
        expected.add(new Pair<>(w, w.length() + 1));
      }
      assertEquals(expected, c.at(h.batchTime(i)));
    }
  }

  @Test
  void reduceByKeyReducesEachKeysValuesIntoHashPartitions() {
    PairDStream<String, Integer> reduced = words().reduceByKey(Integer::sum, 4);
    Collector<Pair<String, Integer>> c = Collector.on(reduced);
    Map<Long, List<List<String>>> keys = keysPerPartition(reduced);
    h.start();
    h.runBatches(BATCHES);
    for (int i = 0; i < BATCHES; i++) {
      Map<String, Integer> expected = new HashMap<>();
      grouped(i).forEach((k, vs) -> expected.put(k, vs.stream().mapToInt(x -> x).sum()));
      assertEquals(expected, toMap(c.at(h.batchTime(i))));
    }
    assertPartitionedByHash(h, c, 4, keys);
  }

  @Test
  void groupByKeyCollectsEveryValueOfEachKey() {
    PairDStream<String, List<Integer>> g = words().groupByKey(2);
    Collector<Pair<String, List<Integer>>> c = Collector.on(g);
    Map<Long, List<List<String>>> keys = keysPerPartition(g);
    h.start();
    h.runBatches(BATCHES);
    for (int i = 0; i < BATCHES; i++) {
      Map<String, List<Integer>> actual = new HashMap<>(toMap(c.at(h.batchTime(i))));
      actual.replaceAll((k, v) -> v.stream().sorted().toList());
      assertEquals(grouped(i), actual);
    }
    assertPartitionedByHash(h, c, 2, keys);
  }

  @Test
  void combineByKeyBuildsOneCombinerPerKey() {
    // Combiner: [count, sum].
    PairDStream<String, long[]> comb = words().combineByKey(v -> new long[] {1, v},
        (a, v) -> new long[] {a[0] + 1, a[1] + v}, (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]}, 5);
    Collector<Pair<String, String>> c = Collector.on(comb.mapValues(a -> a[0] + "/" + a[1]));
    Map<Long, List<List<String>>> keys = keysPerPartition(comb);
    h.start();
    h.runBatches(BATCHES);
    for (int i = 0; i < BATCHES; i++) {
      Map<String, String> expected = new HashMap<>();
      grouped(i).forEach((k, vs) -> expected.put(k, vs.size() + "/" + vs.stream().mapToInt(x -> x).sum()));
      assertEquals(expected, toMap(c.at(h.batchTime(i))));
    }
    assertPartitionedByHash(h, null, 5, keys);
  }

  @Test
  void joinPairsEveryLeftValueWithEveryRightValueOfTheSameKey() {
    Collector<Pair<String, Pair<Integer, String>>> c = Collector.on(left().join(right(), 3));
    h.start();
    h.runBatches(BATCHES);
    for (int i = 0; i < BATCHES; i++) {
      List<Pair<String, Pair<Integer, String>>> expected = new ArrayList<>();
      for (Pair<String, Integer> l : leftPairs(i)) {
        for (Pair<String, String> r : rightPairs(i)) {
          if (l.key().equals(r.key())) {
            expected.add(new Pair<>(l.key(), new Pair<>(l.value(), r.value())));
          }
        }
      }
      assertEquals(normalized(expected), normalized(c.at(h.batchTime(i))), "batch " + i);
    }
  }

  @Test
  void leftOuterJoinKeepsLeftValuesWithoutMatch() {
    Collector<Pair<String, Pair<Integer, Optional<String>>>> c = Collector.on(left().leftOuterJoin(right(), 2));
    h.start();
    h.runBatches(BATCHES);
    for (int i = 0; i < BATCHES; i++) {
      List<Pair<String, Pair<Integer, Optional<String>>>> expected = new ArrayList<>();
      for (Pair<String, Integer> l : leftPairs(i)) {
        List<Pair<String, String>> matches = rightPairs(i).stream().filter(r -> r.key().equals(l.key())).toList();
        if (matches.isEmpty()) {
          expected.add(new Pair<>(l.key(), new Pair<>(l.value(), Optional.empty())));
        }
        for (Pair<String, String> r : matches) {
          expected.add(new Pair<>(l.key(), new Pair<>(l.value(), Optional.of(r.value()))));
        }
      }
      assertEquals(normalized(expected), normalized(c.at(h.batchTime(i))), "batch " + i);
    }
  }

  @Test
  void rightOuterJoinKeepsRightValuesWithoutMatch() {
    Collector<Pair<String, Pair<Optional<Integer>, String>>> c = Collector.on(left().rightOuterJoin(right(), 2));
    h.start();
    h.runBatches(BATCHES);
    for (int i = 0; i < BATCHES; i++) {
      List<Pair<String, Pair<Optional<Integer>, String>>> expected = new ArrayList<>();
      for (Pair<String, String> r : rightPairs(i)) {
        List<Pair<String, Integer>> matches = leftPairs(i).stream().filter(l -> l.key().equals(r.key())).toList();
        if (matches.isEmpty()) {
          expected.add(new Pair<>(r.key(), new Pair<>(Optional.empty(), r.value())));
        }
        for (Pair<String, Integer> l : matches) {
          expected.add(new Pair<>(r.key(), new Pair<>(Optional.of(l.value()), r.value())));
        }
      }
      assertEquals(normalized(expected), normalized(c.at(h.batchTime(i))), "batch " + i);
    }
  }

  @Test
  void fullOuterJoinKeepsUnmatchedValuesOfBothSides() {
    Collector<Pair<String, Pair<Optional<Integer>, Optional<String>>>> c = Collector.on(left().fullOuterJoin(right(), 3));
    h.start();
    h.runBatches(BATCHES);
    for (int i = 0; i < BATCHES; i++) {
      List<Pair<String, Pair<Optional<Integer>, Optional<String>>>> expected = new ArrayList<>();
      TreeSet<String> keys = new TreeSet<>();
      leftPairs(i).forEach(p -> keys.add(p.key()));
      rightPairs(i).forEach(p -> keys.add(p.key()));
      for (String k : keys) {
        List<Integer> ls = leftPairs(i).stream().filter(p -> p.key().equals(k)).map(Pair::value).toList();
        List<String> rs = rightPairs(i).stream().filter(p -> p.key().equals(k)).map(Pair::value).toList();
        if (rs.isEmpty()) {
          ls.forEach(v -> expected.add(new Pair<>(k, new Pair<>(Optional.of(v), Optional.empty()))));
        } else if (ls.isEmpty()) {
          rs.forEach(w -> expected.add(new Pair<>(k, new Pair<>(Optional.empty(), Optional.of(w)))));
        } else {
          for (Integer v : ls) {
            for (String w : rs) {
              expected.add(new Pair<>(k, new Pair<>(Optional.of(v), Optional.of(w))));
            }
          }
        }
      }
      assertEquals(normalized(expected), normalized(c.at(h.batchTime(i))), "batch " + i);
    }
  }

  @Test
  void cogroupGivesEachKeyOfEitherSideItsValuesFromBoth() {
    Collector<Pair<String, Pair<List<Integer>, List<String>>>> c = Collector.on(left().cogroup(right(), 4));
    h.start();
    h.runBatches(BATCHES);
    for (int i = 0; i < BATCHES; i++) {
      Map<String, List<Integer>> ls = groupValues(leftPairs(i));
      Map<String, List<String>> rs = groupValues(rightPairs(i));
      Map<String, Pair<List<Integer>, List<String>>> expected = new TreeMap<>();
      TreeSet<String> keys = new TreeSet<>(ls.keySet());
      keys.addAll(rs.keySet());
      for (String k : keys) {
        // Values keep their input order within a side (one input partition per side here).
        expected.put(k, new Pair<>(ls.getOrDefault(k, List.of()), rs.getOrDefault(k, List.of())));
      }
      assertEquals(expected, new TreeMap<>(toMap(c.at(h.batchTime(i)))), "batch " + i);
    }
  }

  @Test
  void keysAndValuesSplitPairs() {
    PairDStream<String, Integer> w = words();
    Collector<String> keys = Collector.on(w.keys());
    Collector<Integer> values = Collector.on(w.values());
    h.start();
    h.runBatches(BATCHES);
    for (int i = 0; i < BATCHES; i++) {
      assertEquals(LEFT_WORDS.get(i), keys.at(h.batchTime(i)));
      assertEquals(LEFT_WORDS.get(i).stream().map(String::length).toList(), values.at(h.batchTime(i)));
    }
  }

  static Map<String, Long> counts(List<String> words) {
    return words.stream().collect(Collectors.groupingBy(x -> x, Collectors.counting()));
  }
}
