package io.uji.engine.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** A shuffle's combine table: every key once with its combined value, in arrival order, however it grows. */
class CombineTableTest {
  /** A key whose hash code is shared by every key with the same {@code bucket}. */
  private record Colliding(int id, int bucket) {
    @Override
    public int hashCode() {
      return bucket;
    }
  }

  private static Map<Object, Long> asMap(CombineTable<?, Long> t) {
    Map<Object, Long> m = new HashMap<>();
    for (int i = 0; i < t.size(); i++) {
      m.put(t.key(i), t.value(i));
    }
    return m;
  }

  @Test
  void aTableThatStartsSmallGrowsAndKeepsEveryKeysSum() {
    CombineTable<String, Long> t = new CombineTable<>(0);
    Map<Object, Long> expected = new HashMap<>();
    for (int i = 0; i < 100_000; i++) {
      String key = "k" + (i * 7919 % 30_011);
      t.combineValue(key, 1L, Function.identity(), Long::sum);
      expected.merge(key, 1L, Long::sum);
    }
    assertEquals(expected.size(), t.size());
    assertEquals(expected, asMap(t));
  }

  @Test
  void keysWithEqualHashCodesStayApart() {
    CombineTable<Colliding, Long> t = new CombineTable<>(4);
    for (int round = 0; round < 3; round++) {
      for (int id = 0; id < 50; id++) {
        t.combineValue(new Colliding(id, id % 3), 1L, Function.identity(), Long::sum);
      }
    }
    assertEquals(50, t.size());
    for (int i = 0; i < t.size(); i++) {
      assertEquals(3L, t.value(i));
    }
  }

  @Test
  void keysComeOutInTheOrderTheyFirstCame() {
    CombineTable<String, Long> t = new CombineTable<>(2);
    for (String k : List.of("c", "a", "c", "b", "a", "d")) {
      t.combineValue(k, 1L, Function.identity(), Long::sum);
    }
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < t.size(); i++) {
      keys.add(t.key(i));
    }
    assertEquals(List.of("c", "a", "b", "d"), keys);
  }

  @Test
  void aClearedTableHoldsNothingOfItsLastBatchAndTakesNewKeys() {
    CombineTable<String, Long> t = new CombineTable<>(0);
    for (int i = 0; i < 1000; i++) {
      t.combineValue("old" + i, 1L, Function.identity(), Long::sum);
    }
    t.clear();
    assertEquals(0, t.size());
    t.combineValue("old1", 5L, Function.identity(), Long::sum);
    t.combineValue("new", 2L, Function.identity(), Long::sum);
    t.combineValue("old1", 1L, Function.identity(), Long::sum);
    assertEquals(Map.of("old1", 6L, "new", 2L), asMap(t));
  }

  @Test
  void mergingTwoTablesCombinesTheKeysTheyShareAndTakesTheRest() {
    CombineTable<String, Long> a = new CombineTable<>(0);
    CombineTable<String, Long> b = new CombineTable<>(0);
    a.combineValue("x", 2L, Function.identity(), Long::sum);
    a.combineValue("y", 3L, Function.identity(), Long::sum);
    b.combineValue("y", 4L, Function.identity(), Long::sum);
    b.combineValue("z", 5L, Function.identity(), Long::sum);
    a.combineAll(b, Long::sum);
    assertEquals(Map.of("x", 2L, "y", 7L, "z", 5L), asMap(a));
  }
}
