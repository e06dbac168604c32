package io.uji.state;

/**
 * The storage of a partition's write-back cache: an open-addressing hash table (linear probing)
 * on parallel arrays, so a cached key costs ~17 bytes a slot (about 25-35 bytes a key at the
 * table's load) instead of a HashMap node plus an entry object (~100 bytes).
 *
 * <p>Each entry has a key, a value ({@code null} = absent: a removal when dirty, a known absence
 * when clean), the mixed hash of its key ({@link #hash}), the batch that last used it and a dirty
 * flag. Slot {@code i} is empty when {@link #key}{@code (i)} is null. The table is at most 3/4
 * full, so a probe always ends at an empty slot.
 *
 * <p>Slot numbers stay valid until entries move, which only {@link #reserve} (a resize) and
 * {@link #removeSlots}/{@link #removeCleanAbsent} (which close the gaps) do; each of those bumps
 * {@link #generation()}, so a caller that remembered slots can tell they are stale.
 *
 * <p>Not thread-safe (a partition is used by one thread at a time). What the entries mean, and
 * which to evict, is {@link StatePartition}'s business.
 *
 * @param <K> the key type
 * @param <S> the value type
 */
final class CacheTable<K, S> {
  private Object[] keys;
  private Object[] values;
  private int[] hashes;
  private int[] lastUsed;
  private boolean[] dirty;
  private int mask;
  private int size;
  private int dirtyCount;
  private int generation;

  /**
   * @param initialCapacity slots to start with: a power of two, at least 4 (below that, 3/4 full
   *     would be full and a probe for an absent key would never end)
   * @throws IllegalArgumentException otherwise
   */
  CacheTable(int initialCapacity) {
    if (initialCapacity < 4 || Integer.bitCount(initialCapacity) != 1) {
      throw new IllegalArgumentException("capacity must be a power of two >= 4: " + initialCapacity);
    }
    allocate(initialCapacity);
  }

  private void allocate(int capacity) {
    keys = new Object[capacity];
    values = new Object[capacity];
    hashes = new int[capacity];
    lastUsed = new int[capacity];
    dirty = new boolean[capacity];
    mask = capacity - 1;
  }

  /** @return the hash the table files {@code key} under */
  static int hash(Object key) {
    return Hashing.fmix32(key.hashCode());
  }

  /**
   * @param h {@link #hash}{@code (key)}
   * @return the slot of {@code key}, or {@code -1 - slot} of the empty slot where it would go
   */
  int find(Object key, int h) {
    final Object[] ks = keys;
    final int[] hs = hashes;
    final int m = mask;
    for (int i = h & m; ; i = (i + 1) & m) {
      Object k = ks[i];
      if (k == null) {
        return -1 - i;
      }
      if (hs[i] == h && (k == key || k.equals(key))) {
        return i;
      }
    }
  }

  /** At most 3/4 full. */
  private static int threshold(int capacity) {
    return capacity - (capacity >>> 2);
  }

  /**
   * Makes room for {@code extra} more entries, so that inserting up to that many moves no entry.
   * Grows the table (moving every entry, a new {@link #generation()}) if needed.
   */
  void reserve(int extra) {
    long needed = (long) size + extra;
    int capacity = mask + 1;
    if (needed <= threshold(capacity)) {
      return;
    }
    while (needed > threshold(capacity)) {
      capacity <<= 1;
    }
    Object[] ks = keys;
    Object[] vs = values;
    int[] hs = hashes;
    int[] lu = lastUsed;
    boolean[] df = dirty;
    allocate(capacity);
    for (int i = 0; i < ks.length; i++) {
      if (ks[i] != null) {
        int j = -1 - find(ks[i], hs[i]);
        keys[j] = ks[i];
        values[j] = vs[i];
        hashes[j] = hs[i];
        lastUsed[j] = lu[i];
        dirty[j] = df[i];
      }
    }
    generation++;
  }

  /**
   * Inserts an absent key as a clean entry. The caller made room ({@link #reserve}) and checked
   * that the key is absent ({@link #find}).
   *
   * @param h {@link #hash}{@code (key)}
   * @return its slot
   */
  int insert(K key, int h, S value, int used) {
    int i = -1 - find(key, h);
    keys[i] = key;
    values[i] = value;
    hashes[i] = h;
    lastUsed[i] = used;
    dirty[i] = false;
    size++;
    return i;
  }

  /** Sets the value of the entry in {@code slot}, marking it dirty and used by batch {@code used}. */
  void write(int slot, S value, int used) {
    values[slot] = value;
    lastUsed[slot] = used;
    if (!dirty[slot]) {
      dirty[slot] = true;
      dirtyCount++;
    }
  }

  /** Records that batch {@code used} used the entry in {@code slot}. */
  void touch(int slot, int used) {
    lastUsed[slot] = used;
  }

  /** Marks the entry in {@code slot} clean (its value was written). */
  void markClean(int slot) {
    if (dirty[slot]) {
      dirty[slot] = false;
      dirtyCount--;
    }
  }

  /**
   * Marks every entry clean.
   *
   * @return whether one of the entries that were dirty is a removal (a null value)
   */
  boolean markAllClean() {
    if (dirtyCount == 0) {
      return false;
    }
    boolean removals = false;
    for (int i = 0; i < dirty.length; i++) {
      if (dirty[i]) {
        dirty[i] = false;
        removals |= values[i] == null;
      }
    }
    dirtyCount = 0;
    return removals;
  }

  /**
   * Removes the (clean) entries in {@code slots[0, n)} and closes the gaps, which moves entries:
   * a new {@link #generation()}.
   *
   * @throws IllegalStateException if one of them is dirty: its write would be lost
   */
  void removeSlots(int[] slots, int n) {
    for (int v = 0; v < n; v++) {
      clearSlot(slots[v]);
    }
    compact();
  }

  /**
   * Removes every clean entry whose value is null (a known absence), closing the gaps if there
   * were any (a new {@link #generation()}).
   */
  void removeCleanAbsent() {
    boolean any = false;
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] != null && values[i] == null && !dirty[i]) {
        clearSlot(i);
        any = true;
      }
    }
    if (any) {
      compact();
    }
  }

  private void clearSlot(int i) {
    if (dirty[i]) {
      throw new IllegalStateException("cannot remove the dirty entry in slot " + i);
    }
    keys[i] = null;
    values[i] = null;
    size--;
  }

  /**
   * Restores the probing invariant after {@link #clearSlot}s, in place: walking the table once
   * from an empty slot, every entry is taken out and put back at the first free slot from its
   * home, which is never after where it was.
   */
  private void compact() {
    final Object[] ks = keys;
    final int m = mask;
    int start = 0;
    while (ks[start] != null) {
      start++; // the table is never full
    }
    for (int n = 1; n <= m; n++) {
      int i = (start + n) & m;
      Object k = ks[i];
      if (k == null) {
        continue;
      }
      int h = hashes[i];
      int j = h & m;
      while (ks[j] != null && j != i) {
        j = (j + 1) & m;
      }
      if (j != i) {
        ks[j] = k;
        values[j] = values[i];
        hashes[j] = h;
        lastUsed[j] = lastUsed[i];
        dirty[j] = dirty[i];
        ks[i] = null;
        values[i] = null;
        dirty[i] = false;
      }
    }
    generation++;
  }

  /** @return the number of slots; every slot number is in [0, capacity) */
  int capacity() {
    return keys.length;
  }

  /** @return the key in {@code slot}, null if the slot is empty */
  @SuppressWarnings("unchecked")
  K key(int slot) {
    return (K) keys[slot];
  }

  /** @return the value in {@code slot} (null: absent) */
  @SuppressWarnings("unchecked")
  S value(int slot) {
    return (S) values[slot];
  }

  boolean isDirty(int slot) {
    return dirty[slot];
  }

  /** @return the batch that last used the entry in {@code slot} */
  int lastUsed(int slot) {
    return lastUsed[slot];
  }

  /** @return the number of entries */
  int size() {
    return size;
  }

  /** @return the number of dirty entries */
  int dirtyCount() {
    return dirtyCount;
  }

  /** @return a number that changes whenever entries move to other slots */
  int generation() {
    return generation;
  }
}
