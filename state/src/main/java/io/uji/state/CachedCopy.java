package io.uji.state;

import io.uji.serde.ByteSink;
import io.uji.serde.Serde;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * The cached entries of one partition as of one moment, for a {@link TableScan}: keys by
 * reference (keys never change) and values serialized at once (a later batch may change a state
 * object in place). Cached absences are kept as keys only: they hide what RocksDB still holds
 * for the key (a removal not yet written).
 *
 * @param <K> the key type
 * @param <S> the state type
 */
final class CachedCopy<K, S> {
  private final Serde<S> stateSerde;
  private final ByteSink values;
  private Object[] keys;
  private int[] starts;
  private int[] lengths;
  private int size;
  /** Every cached key, present or absent; null when the partition's cache held all of it. */
  private final Set<Object> shadowed;

  CachedCopy(Serde<S> stateSerde, int expected, boolean needShadow) {
    this.stateSerde = stateSerde;
    int n = Math.max(16, expected);
    this.values = new ByteSink((int) Math.min(Integer.MAX_VALUE - 8, 16L * n));
    this.keys = new Object[n];
    this.starts = new int[n];
    this.lengths = new int[n];
    this.shadowed = needShadow ? new HashSet<>(Math.max(16, expected * 4 / 3 + 1)) : null;
  }

  /** Adds a cached entry; {@code value} null is a cached absence. */
  void add(K key, S value) {
    if (shadowed != null) {
      shadowed.add(key);
    }
    if (value == null) {
      return;
    }
    if (size == keys.length) {
      int n = size + (size >> 1);
      keys = Arrays.copyOf(keys, n);
      starts = Arrays.copyOf(starts, n);
      lengths = Arrays.copyOf(lengths, n);
    }
    int start = values.position();
    stateSerde.write(value, values);
    keys[size] = key;
    starts[size] = start;
    lengths[size] = values.position() - start;
    size++;
  }

  int size() {
    return size;
  }

  @SuppressWarnings("unchecked")
  StateEntry<K, S> entry(int i) {
    byte[] b = Arrays.copyOfRange(values.buffer(), starts[i], starts[i] + lengths[i]);
    return new StateEntry<>((K) keys[i], stateSerde.fromBytes(b));
  }

  /** @return whether RocksDB's entry for {@code key} is hidden by the cache */
  boolean shadows(Object key) {
    return shadowed.contains(key);
  }
}
