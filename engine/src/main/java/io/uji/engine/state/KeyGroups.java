package io.uji.engine.state;

import io.uji.state.Hashing;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One state partition's share of a batch grouped by key: the distinct keys in order of first
 * arrival, and each key's values chained in arrival order. An open-addressing hash table over
 * primitive arrays, reused partition after partition and batch after batch, so grouping allocates
 * nothing per record (Java's HashMap would allocate a node per key and a list per group).
 *
 * <p>Not thread-safe: used by one task at a time, which fills it with one state partition after
 * another ({@link #release} in between).
 */
final class KeyGroups<K, V> {
  private static final int MIN_CAPACITY = 16;

  /**
   * Slot s at [2s, 2s+1]: the key's mixed hash, and its group number + 1 (0 = empty). The hash
   * sits next to the group so a probe that misses costs one memory access, not two: most
   * lookups of updateStateByKey's pass over all keys are for keys absent from the batch.
   * Slots: a power of two, at least twice the records.
   */
  private int[] table = new int[MIN_CAPACITY * 4];
  private Object[] keys = new Object[MIN_CAPACITY];
  private int[] head = new int[MIN_CAPACITY];
  private int[] tail = new int[MIN_CAPACITY];
  private int[] counts = new int[MIN_CAPACITY];
  private int groups;
  private Object[] values = new Object[MIN_CAPACITY];
  private int[] next = new int[MIN_CAPACITY];
  private int records;
  /** Whether the hash table holds the groups ({@link #fill}) or was skipped ({@link #fillDistinct}). */
  private boolean indexed;

  /** Fills this with partition {@code p}'s records of {@code split}, in batch order. */
  void fill(BatchSplit<K, V> split, int p) {
    reset(split.recordsFor(p));
    for (int i = 0, m = split.inputPartitions(); i < m; i++) {
      for (int j = 0, n = split.size(i, p); j < n; j++) {
        add(split.key(i, p, j), split.value(i, p, j));
      }
    }
  }

  /**
   * Fills this with partition {@code p}'s records of {@code split}, whose keys the caller knows to
   * be distinct (a combine's output): each record is a group of its own, in batch order, and no
   * hash table is built, so {@link #find} cannot be used. Grouping a million distinct keys again
   * was ~6% of a kafka-session-count profile (a cache miss per key in the table).
   */
  void fillDistinct(BatchSplit<K, V> split, int p) {
    reserve(split.recordsFor(p));
    indexed = false;
    for (int i = 0, m = split.inputPartitions(); i < m; i++) {
      for (int j = 0, n = split.size(i, p); j < n; j++) {
        int r = records++;
        values[r] = split.value(i, p, j);
        next[r] = -1;
        keys[r] = split.key(i, p, j);
        head[r] = r;
        tail[r] = r;
        counts[r] = 1;
      }
    }
    groups = records;
  }

  /**
   * Folds each group's values into one, in arrival order ({@code createCombiner} on the first,
   * then {@code mergeValue} with each next one): a combine by key run as part of this grouping
   * ({@link io.uji.engine.graph.FusibleCombine}). Each group is then one record, its first,
   * holding the combined value.
   */
  @SuppressWarnings("unchecked")
  <W, C> void combineGroups(Function<? super W, ? extends C> createCombiner, BiFunction<C, ? super W, C> mergeValue) {
    for (int g = 0; g < groups; g++) {
      int r = head[g];
      C c = createCombiner.apply((W) values[r]);
      for (int q = next[r]; q >= 0; q = next[q]) {
        c = mergeValue.apply(c, (W) values[q]);
        values[q] = null;
      }
      values[r] = c;
      next[r] = -1;
      tail[g] = r;
      counts[g] = 1;
    }
  }

  /**
   * Drops the references to the batch's keys and values once the batch is applied, so they can
   * die young instead of living until the next batch's {@link #fill}; keeps the arrays.
   */
  void release() {
    Arrays.fill(keys, 0, groups, null);
    Arrays.fill(values, 0, records, null);
    groups = 0;
    records = 0;
  }

  /** Empties this for up to {@code maxRecords} records, dropping references to the last batch. */
  void reset(int maxRecords) {
    reserve(maxRecords);
    indexed = true;
    int slots = Math.max(MIN_CAPACITY * 2, Integer.highestOneBit(Math.max(1, maxRecords) * 2 - 1) << 1);
    if (table.length < slots * 2 || table.length > slots * 8) {
      table = new int[slots * 2];
    } else {
      Arrays.fill(table, 0);
    }
  }

  /** Empties this for up to {@code maxRecords} records, without preparing the hash table. */
  private void reserve(int maxRecords) {
    release();
    if (keys.length < maxRecords) {
      int cap = Math.max(maxRecords, keys.length + (keys.length >> 1));
      keys = new Object[cap];
      head = new int[cap];
      tail = new int[cap];
      counts = new int[cap];
      values = new Object[cap];
      next = new int[cap];
    }
  }

  private static int hash(Object key) {
    return Hashing.fmix32(key == null ? 0 : key.hashCode());
  }

  /** Appends a record; its key must fit: at most {@code maxRecords} records since the reset. */
  void add(K key, V value) {
    int r = records++;
    values[r] = value;
    next[r] = -1;
    int h = hash(key);
    int[] tab = table;
    int mask = (tab.length >> 1) - 1;
    for (int s = h & mask; ; s = (s + 1) & mask) {
      int g = tab[2 * s + 1] - 1;
      if (g < 0) {
        g = groups++;
        tab[2 * s] = h;
        tab[2 * s + 1] = g + 1;
        keys[g] = key;
        head[g] = r;
        tail[g] = r;
        counts[g] = 1;
        return;
      }
      if (tab[2 * s] == h && Objects.equals(keys[g], key)) {
        next[tail[g]] = r;
        tail[g] = r;
        counts[g]++;
        return;
      }
    }
  }

  /** @return the group of {@code key}, or -1 if the batch has no record of it */
  int find(Object key) {
    if (!indexed) {
      throw new IllegalStateException("find needs the batch grouped by fill, not fillDistinct (no hash table)");
    }
    int h = hash(key);
    int[] tab = table;
    int mask = (tab.length >> 1) - 1;
    for (int s = h & mask; ; s = (s + 1) & mask) {
      int g = tab[2 * s + 1] - 1;
      if (g < 0) {
        return -1;
      }
      if (tab[2 * s] == h && Objects.equals(keys[g], key)) {
        return g;
      }
    }
  }

  /** @return the number of records */
  int records() {
    return records;
  }

  /** @return the number of distinct keys */
  int size() {
    return groups;
  }

  @SuppressWarnings("unchecked")
  K key(int group) {
    return (K) keys[group];
  }

  /** @return the first record of a group */
  int first(int group) {
    return head[group];
  }

  /** @return the record after {@code record} in its group, or -1 */
  int next(int record) {
    return next[record];
  }

  @SuppressWarnings("unchecked")
  V value(int record) {
    return (V) values[record];
  }

  /** Marks a group as handled (for a pass that must find the groups it did not see). */
  void mark(int group) {
    counts[group] = -Math.abs(counts[group]);
  }

  boolean marked(int group) {
    return counts[group] < 0;
  }

  /** @return a new immutable list of a group's values, in arrival order */
  List<V> valueList(int group) {
    int n = Math.abs(counts[group]);
    Object[] a = new Object[n];
    int i = 0;
    for (int r = head[group]; r >= 0; r = next[r]) {
      a[i++] = values[r];
    }
    return new ValueList<>(a);
  }

  /** @return a view of the distinct keys (valid until the next reset) */
  List<K> keyList() {
    return keys(0, groups);
  }

  /** @return a view of the distinct keys of groups {@code [from, to)} (valid until the next reset) */
  List<K> keys(int from, int to) {
    Objects.checkFromToIndex(from, to, groups);
    return new KeyArray<>(keys, from, to);
  }

  /** The values of one key as given to updateStateByKey functions: immutable, nulls allowed. */
  static final class ValueList<V> extends AbstractList<V> implements RandomAccess {
    private final Object[] values;

    ValueList(Object[] values) {
      this.values = values;
    }

    @Override
    @SuppressWarnings("unchecked")
    public V get(int index) {
      return (V) values[index];
    }

    @Override
    public int size() {
      return values.length;
    }
  }
}
