package io.uji.engine.ops;

import io.uji.engine.graph.Keys;
import io.uji.streaming.Dataset;
import io.uji.streaming.Pair;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Spark's sortByKey of one dataset: the records ordered by key into {@code n} partitions of
 * consecutive key ranges (partition 0 holds the smallest keys when ascending), so that reading the
 * partitions in order reads the records in order. A run of equal keys is never split over two
 * partitions (Spark's range partitioning keeps a key in one partition); records with equal keys
 * keep their order of the input (partition by partition).
 */
public final class SortByKey {
  private SortByKey() {}

  /**
   * @param comparator the key order, or null for the keys' natural order
   * @param numPartitions partitions of the result, at least 1
   * @return the sorted partitions
   * @throws NullPointerException if a record or its key is null
   * @throws ClassCastException if {@code comparator} is null and a key is not {@link Comparable}
   * @throws IllegalArgumentException if {@code numPartitions} is not positive
   */
  public static <K, V> List<List<Pair<K, V>>> sort(Dataset<Pair<K, V>> in, Comparator<? super K> comparator,
      boolean ascending, int numPartitions) {
    if (numPartitions <= 0) {
      throw new IllegalArgumentException("numPartitions must be positive, got " + numPartitions);
    }
    List<Pair<K, V>> all = new ArrayList<>((int) Math.min(Integer.MAX_VALUE, in.count()));
    for (List<Pair<K, V>> p : in.partitions()) {
      for (Pair<K, V> kv : p) {
        Keys.of(kv, "sortByKey");
        all.add(kv);
      }
    }
    Comparator<? super K> order = comparator != null ? comparator : SortByKey::natural;
    Comparator<Pair<K, V>> byKey = (a, b) -> order.compare(a.key(), b.key());
    all.sort(ascending ? byKey : byKey.reversed());
    List<List<Pair<K, V>>> out = new ArrayList<>(numPartitions);
    int n = all.size();
    int from = 0;
    for (int i = 1; i <= numPartitions; i++) {
      int to = i == numPartitions ? n : Math.max(from, (int) ((long) n * i / numPartitions));
      while (to > from && to < n && order.compare(all.get(to - 1).key(), all.get(to).key()) == 0) {
        to++;
      }
      out.add(new ArrayList<>(all.subList(from, to)));
      from = to;
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static int natural(Object a, Object b) {
    if (!(a instanceof Comparable<?> c)) {
      throw new ClassCastException("sortByKey: keys of " + a.getClass().getName() + " are not Comparable; pass a"
          + " Comparator");
    }
    return ((Comparable<Object>) c).compareTo(b);
  }
}
