package io.uji.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The keyed operations of a dataset, against Spark's JavaPairRDD contracts. */
class PairDatasetTest {
  private static final PairDataset<String, Integer> LEFT = PairDataset.of(Dataset.of(List.of(
      List.of(Pair.of("a", 1), Pair.of("b", 2)), List.of(Pair.of("a", 3), Pair.of("c", 4)))));
  private static final Dataset<Pair<String, String>> RIGHT = Dataset.of(List.of(
      List.of(Pair.of("a", "x"), Pair.of("d", "y")), List.of(Pair.of("a", "z"))));

  private static <T> Set<T> set(Dataset<T> d) {
    return new HashSet<>(d.collect());
  }

  @Test
  void ofWrapsTheSamePartitionsAndIsIdempotent() {
    assertEquals(2, LEFT.numPartitions());
    assertSame(LEFT, PairDataset.of(LEFT));
    PairDataset<String, Integer> mapped = Dataset.of(List.of(List.of("q"))).mapToPair(w -> Pair.of(w, 1));
    assertEquals(List.of(Pair.of("q", 1)), mapped.collect());
  }

  @Test
  void joinPairsEveryLeftValueWithEveryRightValueOfTheSameKey() {
    assertEquals(Set.of(Pair.of("a", Pair.of(1, "x")), Pair.of("a", Pair.of(1, "z")), Pair.of("a", Pair.of(3, "x")),
        Pair.of("a", Pair.of(3, "z"))), set(LEFT.join(RIGHT)));
    assertEquals(2, LEFT.join(RIGHT).numPartitions(), "the larger number of partitions of the two");
    assertEquals(5, LEFT.join(RIGHT, 5).numPartitions());
  }

  @Test
  void outerJoinsFillTheMissingSideWithEmpty() {
    assertEquals(Set.of(Pair.of("a", Pair.of(1, Optional.of("x"))), Pair.of("a", Pair.of(1, Optional.of("z"))),
        Pair.of("a", Pair.of(3, Optional.of("x"))), Pair.of("a", Pair.of(3, Optional.of("z"))),
        Pair.of("b", Pair.of(2, Optional.empty())), Pair.of("c", Pair.of(4, Optional.empty()))),
        set(LEFT.leftOuterJoin(RIGHT)));
    assertEquals(Set.of(Pair.of("a", Pair.of(Optional.of(1), "x")), Pair.of("a", Pair.of(Optional.of(1), "z")),
        Pair.of("a", Pair.of(Optional.of(3), "x")), Pair.of("a", Pair.of(Optional.of(3), "z")),
        Pair.of("d", Pair.of(Optional.empty(), "y"))), set(LEFT.rightOuterJoin(RIGHT, 3)));
    Set<Pair<String, Pair<Optional<Integer>, Optional<String>>>> full = set(LEFT.fullOuterJoin(RIGHT,
        new HashPartitioner(2)));
    assertEquals(7, full.size(), "4 for a, then b, c and d");
    assertTrue(full.contains(Pair.of("b", Pair.of(Optional.of(2), Optional.empty()))));
    assertTrue(full.contains(Pair.of("d", Pair.of(Optional.empty(), Optional.of("y")))));
  }

  @Test
  void cogroupGivesEachKeyItsValuesFromBothSidesInInputOrder() {
    Map<String, Pair<List<Integer>, List<String>>> m = LEFT.cogroup(RIGHT).collectAsMap();
    assertEquals(Map.of("a", Pair.of(List.of(1, 3), List.of("x", "z")), "b", Pair.of(List.of(2), List.of()),
        "c", Pair.of(List.of(4), List.of()), "d", Pair.of(List.of(), List.of("y"))), m);
  }

  @Test
  void sortByKeyOrdersThePartitionsByKeyRanges() {
    List<Pair<Integer, String>> pairs = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      pairs.add(Pair.of((i * 7) % 10, "v" + i));
    }
    PairDataset<Integer, String> in = PairDataset.of(Dataset.parallelize(pairs, 3));
    PairDataset<Integer, String> sorted = in.sortByKey(true, 4);
    assertEquals(4, sorted.numPartitions());
    List<Integer> keys = sorted.keys().collect();
    List<Integer> expected = new ArrayList<>(keys);
    expected.sort(null);
    assertEquals(expected, keys);
    for (int p = 0; p + 1 < sorted.numPartitions(); p++) {
      List<Pair<Integer, String>> a = sorted.partition(p);
      List<Pair<Integer, String>> b = sorted.partition(p + 1);
      if (!a.isEmpty() && !b.isEmpty()) {
        assertTrue(a.get(a.size() - 1).key() < b.get(0).key(), "a key is in one partition only");
      }
    }
    List<String> ofKey3 = sorted.filter(kv -> kv.key() == 3).map(Pair::value).collect();
    assertEquals(pairs.stream().filter(kv -> kv.key() == 3).map(Pair::value).toList(), ofKey3,
        "equal keys keep their input order");
    assertEquals(List.of(9, 9, 9, 9), sorted.sortByKey(false).keys().take(4));
    assertEquals(List.of(9, 9, 9, 9), in.sortByKey(Comparator.reverseOrder()).keys().take(4));
    assertEquals(3, in.sortByKey().numPartitions(), "by default as many partitions as the input");
  }

  @Test
  void sortByKeyOfKeysWithoutOrderAsksForAComparator() {
    PairDataset<Object, Integer> in = PairDataset.of(Dataset.of(List.of(List.of(Pair.of(new Object(), 1),
        Pair.of(new Object(), 2)))));
    ClassCastException e = assertThrows(ClassCastException.class, in::sortByKey);
    assertTrue(e.getMessage().contains("Comparator"), e.getMessage());
  }

  @Test
  void reduceGroupAndMapValuesWorkPerKey() {
    assertEquals(Map.of("a", 4, "b", 2, "c", 4), LEFT.reduceByKey(Integer::sum).collectAsMap());
    assertEquals(Map.of("a", List.of(1, 3), "b", List.of(2), "c", List.of(4)), LEFT.groupByKey(1).collectAsMap());
    assertEquals(List.of(Pair.of("a", 10), Pair.of("b", 20), Pair.of("a", 30), Pair.of("c", 40)),
        LEFT.mapValues(v -> v * 10).collect());
    assertEquals(List.of("a", "b", "a", "c"), LEFT.keys().collect());
    assertEquals(List.of(1, 2, 3, 4), LEFT.values().collect());
  }

  @Test
  void aNullKeyFailsNamingTheOperation() {
    PairDataset<String, Integer> withNull = PairDataset.of(Dataset.of(List.of(List.of(Pair.of(null, 1)))));
    NullPointerException e = assertThrows(NullPointerException.class, () -> withNull.join(RIGHT));
    assertTrue(e.getMessage().startsWith("join: "), e.getMessage());
    e = assertThrows(NullPointerException.class, () -> withNull.reduceByKey(Integer::sum));
    assertTrue(e.getMessage().startsWith("reduceByKey: "), e.getMessage());
    e = assertThrows(NullPointerException.class, withNull::sortByKey);
    assertTrue(e.getMessage().startsWith("sortByKey: "), e.getMessage());
  }

  @Test
  void glomAndFlatMapToPairOfADataset() {
    Dataset<Integer> d = Dataset.parallelize(List.of(1, 2, 3, 4, 5), 2);
    assertEquals(List.of(List.of(1, 2), List.of(3, 4, 5)), d.glom().collect());
    assertEquals(List.of(Pair.of(1, 1), Pair.of(1, -1)), Dataset.of(List.of(List.of(1)))
        .flatMapToPair(x -> List.of(Pair.of(x, x), Pair.of(x, -x)).iterator()).collect());
    assertEquals(Map.of(2, 3, 3, 12), d.mapPartitionsToPair(it -> {
      int n = 0;
      int sum = 0;
      while (it.hasNext()) {
        n++;
        sum += it.next();
      }
      return List.of(Pair.of(n, sum)).iterator();
    }).collectAsMap(), "one (size, sum) per partition");
  }
}
