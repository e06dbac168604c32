package io.uji.engine.state;

import java.util.AbstractList;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * An immutable view of keys {@code [from, to)} of an array: what mapWithState hands {@link
 * io.uji.state.StatePartition#getAll}, both for a batch's keys and for the keys whose timeout fell
 * due. One list class for both so that getAll's per-key {@code get} stays monomorphic: with a
 * second class (an ArrayList of the due keys) the first timeouts, minutes into a run, threw away
 * getAll's compiled code, and C2 compiled it again (three compilations, ~1.5 s of C2 time, in
 * session-count's batch 16).
 *
 * @param <K> key type
 */
final class KeyArray<K> extends AbstractList<K> implements RandomAccess {
  private final Object[] items;
  private final int from;
  private final int size;

  /** A view of {@code items[from, to)}; the array is not copied. */
  KeyArray(Object[] items, int from, int to) {
    Objects.checkFromToIndex(from, to, items.length);
    this.items = items;
    this.from = from;
    this.size = to - from;
  }

  @Override
  @SuppressWarnings("unchecked")
  public K get(int index) {
    return (K) items[from + Objects.checkIndex(index, size)];
  }

  @Override
  public int size() {
    return size;
  }
}
