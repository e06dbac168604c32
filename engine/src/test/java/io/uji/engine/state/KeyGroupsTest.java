package io.uji.engine.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.uji.engine.exec.WorkerPool;
import io.uji.engine.graph.PartitionSource;
import io.uji.streaming.Dataset;
import io.uji.streaming.Pair;
import io.uji.streaming.Partitioner;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KeyGroupsTest {
  private final WorkerPool pool = new WorkerPool("key-groups-test", 2);

  @AfterEach
  void closePool() {
    pool.close();
  }

  /** One state partition holding every key. */
  private static final Partitioner ONE = new Partitioner() {
    @Override
    public int numPartitions() {
      return 1;
    }

    @Override
    public int getPartition(Object key) {
      return 0;
    }
  };

  private BatchSplit<String, Integer> split(List<List<Pair<String, Integer>>> parts) {
    BatchSplit<String, Integer> split = new BatchSplit<>(ONE);
    split.load(PartitionSource.of(Dataset.of(parts)), pool, "test");
    return split;
  }

  /** Each group as "key=v1,v2,...", in group order. */
  private static List<String> groups(KeyGroups<String, Integer> g) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < g.size(); i++) {
      StringBuilder sb = new StringBuilder(g.key(i)).append('=');
      for (int r = g.first(i); r >= 0; r = g.next(r)) {
        sb.append(g.value(r)).append(',');
      }
      out.add(sb.toString());
    }
    return out;
  }

  @Test
  void distinctKeysMakeTheSameGroupsWithoutTheHashTable() {
    List<List<Pair<String, Integer>>> parts = List.of(
        List.of(Pair.of("a", 1), Pair.of("b", 2), Pair.of("c", 3)),
        List.of(Pair.of("d", 4), Pair.of("e", 5)));
    KeyGroups<String, Integer> hashed = new KeyGroups<>();
    hashed.fill(split(parts), 0);
    KeyGroups<String, Integer> distinct = new KeyGroups<>();
    distinct.fillDistinct(split(parts), 0);

    assertEquals(List.of("a=1,", "b=2,", "c=3,", "d=4,", "e=5,"), groups(distinct));
    assertEquals(groups(hashed), groups(distinct));
    assertEquals(5, distinct.records());
    assertEquals(List.of("a", "b", "c", "d", "e"), new ArrayList<>(distinct.keyList()));
  }

  @Test
  void repeatedKeysAreChainedByTheHashTable() {
    KeyGroups<String, Integer> g = new KeyGroups<>();
    g.fill(split(List.of(List.of(Pair.of("a", 1), Pair.of("b", 2)), List.of(Pair.of("a", 3)))), 0);
    assertEquals(List.of("a=1,3,", "b=2,"), groups(g));
    assertEquals(0, g.find("a"));
  }

  @Test
  void groupsFilledAsDistinctCannotBeLookedUpByKey() {
    KeyGroups<String, Integer> g = new KeyGroups<>();
    g.fillDistinct(split(List.of(List.of(Pair.of("a", 1)))), 0);
    assertThrows(IllegalStateException.class, () -> g.find("a"));
    // refilled through the hash table, it can again
    g.fill(split(List.of(List.of(Pair.of("a", 1)))), 0);
    assertEquals(0, g.find("a"));
  }

  @Test
  void aRefillAsDistinctDropsTheLastBatchsGroups() {
    KeyGroups<String, Integer> g = new KeyGroups<>();
    g.fill(split(List.of(List.of(Pair.of("x", 1), Pair.of("x", 2), Pair.of("y", 3)))), 0);
    g.fillDistinct(split(List.of(List.of(Pair.of("z", 9)))), 0);
    assertEquals(List.of("z=9,"), groups(g));
  }

  @Test
  void combinedGroupsHoldOneValueFoldedInArrivalOrder() {
    KeyGroups<String, Integer> g = new KeyGroups<>();
    g.fill(split(List.of(List.of(Pair.of("a", 1), Pair.of("b", 2), Pair.of("a", 3)), List.of(Pair.of("a", 4)))), 0);
    // A fold that shows its order (not commutative): "1" then "3" then "4", not a sum.
    g.combineGroups((Integer v) -> String.valueOf(v), (String c, Integer v) -> c + "+" + v);
    assertEquals(List.of("a=1+3+4,", "b=2,"), groups(g));
    assertEquals(0, g.find("a"));
    assertEquals(1, g.find("b"));
  }
}
