package io.uji.engine.ops;

import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import java.util.function.Function;

/**
 * One map of a shuffle's combine: each distinct key with its combined value, in order of first
 * arrival. An open-addressing hash table over arrays, so that a key costs no object of its own
 * (a HashMap costs a node per key, and the combine a mutable slot per key): a batch of a million
 * records over a million users makes ~800 k keys per batch whose maps live until the batch's
 * merge, and every young collection meanwhile copies what they hold.
 *
 * <p>Not thread-safe: one per input and output partition, filled by one task.
 *
 * @param <K> the key type
 * @param <C> the combined value type
 */
final class CombineTable<K, C> {
  private static final int MIN_KEYS = 8;
  /** The most keys one table holds: its hash table of two ints per slot, two slots per key, stays an array. */
  private static final int MAX_KEYS = 1 << 27;

  /** Slot s at [2s, 2s+1]: the key's mixed hash and its index + 1 (0: empty). Slots: a power of two, ≥ 2 × keys. */
  private int[] table;
  private Object[] keys;
  private Object[] values;
  private int size;

  /** @param expectedKeys how many keys it will likely hold (it grows beyond) */
  CombineTable(int expectedKeys) {
    int capacity = Math.max(MIN_KEYS, Math.min(expectedKeys, MAX_KEYS));
    keys = new Object[capacity];
    values = new Object[capacity];
    table = new int[2 * slotsFor(capacity)];
  }

  private static int slotsFor(int keys) {
    return Integer.highestOneBit(keys * 2 - 1) << 1;
  }

  private static int hash(Object key) {
    int h = key.hashCode();
    // murmur3's fmix32: the low bits pick the slot, so mix the high ones in
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }

  /** Combines {@code value} into {@code key}'s combined value, creating it for a new key. */
  @SuppressWarnings("unchecked")
  <V> void combineValue(K key, V value, Function<? super V, ? extends C> createCombiner,
      BiFunction<C, ? super V, C> mergeValue) {
    int i = indexOf(key);
    if (i >= 0) {
      values[i] = mergeValue.apply((C) values[i], value);
    } else {
      insert(key, createCombiner.apply(value), -i - 1);
    }
  }

  /** Merges another table's combined value {@code c} into {@code key}'s (takes it for a new key). */
  @SuppressWarnings("unchecked")
  void combineCombiner(K key, C c, BinaryOperator<C> mergeCombiners) {
    int i = indexOf(key);
    if (i >= 0) {
      values[i] = mergeCombiners.apply((C) values[i], c);
    } else {
      insert(key, c, -i - 1);
    }
  }

  /**
   * Merges every key of {@code other} into this one. Makes room for all of them first (the
   * tables of one output partition share few keys when keys are many): one growth, not several.
   */
  void combineAll(CombineTable<K, C> other, BinaryOperator<C> mergeCombiners) {
    if ((long) size + other.size > keys.length && keys.length < MAX_KEYS) {
      grow((int) Math.min(MAX_KEYS, (long) size + other.size));
    }
    for (int i = 0; i < other.size; i++) {
      combineCombiner(other.key(i), other.value(i), mergeCombiners);
    }
  }

  /** @return the key's index, or {@code -(slot + 1)} of the empty slot where it belongs */
  private int indexOf(K key) {
    int h = hash(key);
    int[] tab = table;
    int mask = (tab.length >> 1) - 1;
    for (int s = h & mask; ; s = (s + 1) & mask) {
      int i = tab[2 * s + 1] - 1;
      if (i < 0) {
        return -(s + 1);
      }
      if (tab[2 * s] == h && Objects.equals(keys[i], key)) {
        return i;
      }
    }
  }

  private void insert(K key, C c, int slot) {
    if (size == keys.length) {
      grow();
      slot = -indexOf(key) - 1; // the table was rebuilt
    }
    int i = size++;
    keys[i] = key;
    values[i] = c;
    table[2 * slot] = hash(key);
    table[2 * slot + 1] = i + 1;
  }

  private void grow() {
    if (size >= MAX_KEYS) {
      throw new IllegalStateException("A batch's combine has more than " + MAX_KEYS + " keys in one partition; "
          + "use more partitions");
    }
    grow((int) Math.min(MAX_KEYS, size + (long) Math.max(MIN_KEYS, size >> 1)));
  }

  /** Makes room for {@code capacity} keys (more than it holds) and rebuilds the hash table. */
  private void grow(int capacity) {
    keys = java.util.Arrays.copyOf(keys, capacity);
    values = java.util.Arrays.copyOf(values, capacity);
    int[] tab = new int[2 * slotsFor(capacity)];
    int mask = (tab.length >> 1) - 1;
    for (int i = 0; i < size; i++) {
      int h = hash(keys[i]);
      int s = h & mask;
      while (tab[2 * s + 1] != 0) {
        s = (s + 1) & mask;
      }
      tab[2 * s] = h;
      tab[2 * s + 1] = i + 1;
    }
    table = tab;
  }

  /** Empties it, keeping its arrays (for the next batch). */
  void clear() {
    java.util.Arrays.fill(keys, 0, size, null);
    java.util.Arrays.fill(values, 0, size, null);
    java.util.Arrays.fill(table, 0);
    size = 0;
  }

  int size() {
    return size;
  }

  @SuppressWarnings("unchecked")
  K key(int i) {
    return (K) keys[i];
  }

  @SuppressWarnings("unchecked")
  C value(int i) {
    return (C) values[i];
  }
}
