package io.uji.state;

import java.util.Arrays;

/**
 * The storage of a partition's write-back cache, with no object per entry: the garbage collector
 * sees a few primitive arrays per partition, whatever the number of entries.
 *
 * <ul>
 *   <li>The <b>index</b> is an open-addressing hash table (linear probing, at most 3/4 full, so a
 *       probe always ends at an empty slot) on parallel arrays: per slot the mixed hash of the key
 *       bytes, a reference into the slab, the batch that last used the entry and three flags
 *       (occupied, dirty since the last write to RocksDB, changed since the last drain of
 *       changes for a changelog): 13 bytes a slot.
 *   <li>The <b>slab</b> is a list of byte pages holding each entry as {@code | key length : varint | value
 *       length + 1 : varint (0 = absent) | key | value |}. The key is the RocksDB key, partition
 *       prefix included ({@link KeyLayout}), and the value the serialized state: an eviction, a
 *       flush or a checkpoint copies these bytes as they are, nothing is serialized again. A new
 *       page is a quarter of the slab so far (at least 4 KiB, at most 256 KiB, under G1's
 *       humongous size; see {@link #SMALL_PAGE}): an almost empty
 *       partition costs a few KiB, and the unused end of the last page stays under a fifth of the
 *       slab (pages that doubled left up to half of it unused, heap that a partition of a large
 *       state holds for nothing).
 * </ul>
 *
 * <p>A value of the same length is overwritten in place; another length appends a new copy of
 * the entry and leaves the old bytes dead. Once the dead bytes outweigh the live ones (and 64 KiB)
 * the live entries are copied to pages sized for them (256 KiB pages and a last one sized for
 * the rest), which changes references but no slot.
 *
 * <p>Each entry has a value, or is absent ({@link #ABSENT}: a removal when dirty, a known
 * absence when clean). Slot numbers stay valid until entries move, which only {@link #reserve} (a
 * resize) and {@link #removeSlots}/{@link #removeCleanAbsent} (which close the gaps) do; each of
 * those bumps {@link #generation()}, so a caller that remembered slots can tell they are stale.
 *
 * <p>Not thread-safe (a partition is used by one thread at a time). What the entries mean, and
 * which to evict, is {@link StatePartition}'s business.
 */
final class CacheTable {
  /** The value length of an absent entry. */
  static final int ABSENT = -1;

  private static final byte OCCUPIED = 1;
  private static final byte DIRTY = 2;
  /** Changed since the last drain of the batch's changes (only while {@link #trackChanges}). */
  private static final byte CHANGED = 4;
  /**
   * Written since the last checkpoint capture ({@link #clearAllFresh}); only a dirty entry is.
   * Decides how a checkpoint takes a partition ({@link StatePartition#keepsDirtyAtCheckpoint}).
   */
  private static final byte FRESH = 8;
  private static final int PAGE_BITS = 20;
  private static final int MAX_PAGE = 1 << PAGE_BITS;
  /**
   * The largest page while the slab has fewer than {@code MAX_PAGES / 2} pages: under half of
   * G1's smallest region (1 MiB, the region size of heaps up to 2 GiB). An array of half a region
   * or more is humongous: it gets whole regions of its own, and a 1 MiB page (plus its header)
   * took two, half of them unused, in a heap that a large state fills. Past half the page budget
   * pages grow to {@link #MAX_PAGE}, so that the bound of a partition's slab stays what it was.
   */
  private static final int SMALL_PAGE = 256 << 10;
  private static final int FIRST_PAGE = 4096;
  /** References are {@code page << PAGE_BITS | offset} in a non-negative int. */
  private static final int MAX_PAGES = 1 << (31 - PAGE_BITS);
  private static final int MIN_DEAD_TO_COMPACT = 64 << 10;
  private static final int INITIAL_CLEAR_CAPACITY = 16;

  private int[] hashes;
  private int[] refs;
  private int[] lastUsed;
  private byte[] flags;
  private int mask;
  private int size;
  private int dirtyCount;
  private int freshCount;
  private int changedCount;
  /** Whether writes mark entries {@link #CHANGED} (change capture for a changelog, off by default). */
  private boolean trackChanges;
  private int generation;

  private byte[][] pages = new byte[4][];
  private int pageCount;
  /** The write position in {@code pages[pageCount - 1]}. */
  private int top;
  /** While compacting: the live bytes not copied yet, which size the pages; 0 otherwise. */
  private long toCopy;
  private long liveBytes;
  private long deadBytes;
  private long slabBytes;

  /**
   * @param initialCapacity slots to start with: a power of two, at least 4 (below that, 3/4 full
   *     would be full and a probe for an absent key would never end)
   * @throws IllegalArgumentException otherwise
   */
  CacheTable(int initialCapacity) {
    if (initialCapacity < 4 || Integer.bitCount(initialCapacity) != 1) {
      throw new IllegalArgumentException("capacity must be a power of two >= 4: " + initialCapacity);
    }
    allocateIndex(initialCapacity);
  }

  private void allocateIndex(int capacity) {
    hashes = new int[capacity];
    refs = new int[capacity];
    lastUsed = new int[capacity];
    flags = new byte[capacity];
    mask = capacity - 1;
  }

  /**
   * The hash the table files a key under: FNV-1a over its bytes, then {@link Hashing#fmix32} so
   * that keys differing only in their last bytes spread over the low bits linear probing uses.
   *
   * @return the mixed hash of {@code b[off, off + len)}
   */
  static int hash(byte[] b, int off, int len) {
    int h = 0x811c9dc5;
    for (int i = off, end = off + len; i < end; i++) {
      h = (h ^ b[i]) * 0x01000193;
    }
    return Hashing.fmix32(h);
  }

  /**
   * @param h {@link #hash} of the key
   * @return the slot of the key {@code key[off, off + len)}, or {@code -1 - slot} of the empty
   *     slot where it would go
   */
  int find(byte[] key, int off, int len, int h) {
    final byte[] fs = flags;
    final int[] hs = hashes;
    final int m = mask;
    for (int i = h & m; ; i = (i + 1) & m) {
      if (fs[i] == 0) {
        return -1 - i;
      }
      if (hs[i] == h && keyEquals(i, key, off, len)) {
        return i;
      }
    }
  }

  private boolean keyEquals(int slot, byte[] key, int off, int len) {
    int ref = refs[slot];
    byte[] page = pages[ref >>> PAGE_BITS];
    int p = ref & (MAX_PAGE - 1);
    int keyLength = page[p];
    if (keyLength < 0) {
      keyLength = Varints.read(page, p);
      p += Varints.size(keyLength);
    } else {
      p++;
    }
    if (keyLength != len) {
      return false;
    }
    while (page[p++] < 0) {
      // skip the value length varint
    }
    return Arrays.equals(page, p, p + len, key, off, off + len);
  }

  /** At most 3/4 full. */
  private static int threshold(int capacity) {
    return capacity - (capacity >>> 2);
  }

  /**
   * Makes room for {@code extra} more entries, so that inserting up to that many moves no entry.
   * Grows the index (moving every entry to another slot, a new {@link #generation()}) if needed.
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
    int[] hs = hashes;
    int[] rs = refs;
    int[] lu = lastUsed;
    byte[] fs = flags;
    allocateIndex(capacity);
    final int m = mask;
    for (int i = 0; i < fs.length; i++) {
      if (fs[i] != 0) {
        int j = hs[i] & m;
        while (flags[j] != 0) {
          j = (j + 1) & m; // keys are distinct: the first empty slot is the one
        }
        hashes[j] = hs[i];
        refs[j] = rs[i];
        lastUsed[j] = lu[i];
        flags[j] = fs[i];
      }
    }
    generation++;
  }

  /**
   * Inserts an absent key as a clean entry. The caller made room ({@link #reserve}) and checked
   * that the key is absent ({@link #find}).
   *
   * @param h {@link #hash} of the key
   * @param valueLength the value's length, or {@link #ABSENT}
   * @return its slot
   */
  int insert(byte[] key, int keyOff, int keyLen, int h, byte[] value, int valueOff, int valueLength, int used) {
    int i = -1 - find(key, keyOff, keyLen, h);
    refs[i] = append(key, keyOff, keyLen, value, valueOff, valueLength);
    hashes[i] = h;
    lastUsed[i] = used;
    flags[i] = OCCUPIED;
    size++;
    return i;
  }

  /**
   * Sets the value of the entry in {@code slot} and records that batch {@code used} used it. The
   * entry becomes dirty unless the value is the one it holds (the same bytes, or both absent):
   * then RocksDB, or the checkpoint that took it, already has it.
   *
   * @param valueLength the value's length, or {@link #ABSENT}
   */
  void write(int slot, byte[] value, int valueOff, int valueLength, int used) {
    lastUsed[slot] = used;
    int ref = refs[slot];
    byte[] page = pages[ref >>> PAGE_BITS];
    int start = ref & (MAX_PAGE - 1);
    int keyLength = Varints.read(page, start);
    int lengthAt = start + Varints.size(keyLength);
    int oldLength = Varints.read(page, lengthAt) - 1;
    int keyAt = lengthAt + Varints.size(oldLength + 1);
    int valueAt = keyAt + keyLength;
    if (oldLength == valueLength) {
      if (valueLength == ABSENT || Arrays.equals(page, valueAt, valueAt + valueLength, value, valueOff, valueOff + valueLength)) {
        return;
      }
      System.arraycopy(value, valueOff, page, valueAt, valueLength);
    } else {
      int oldSize = valueAt + Math.max(0, oldLength) - start;
      refs[slot] = append(page, keyAt, keyLength, value, valueOff, valueLength);
      release(oldSize);
      compactSlabIfMostlyDead();
    }
    markWritten(slot);
  }

  private void markChanged(int slot) {
    if (trackChanges && (flags[slot] & CHANGED) == 0) {
      flags[slot] |= CHANGED;
      changedCount++;
    }
  }

  /**
   * Marks the entry in {@code slot} dirty as it is: for an absence that RocksDB's copy may not
   * share (a removal of a key that was not read).
   */
  void markDirty(int slot, int used) {
    lastUsed[slot] = used;
    markWritten(slot);
  }

  /**
   * Marks the entry in {@code slot} dirty, fresh and (when tracked) changed, counting the flags
   * it did not have. Without a branch on whether it had them: that flips at every checkpoint (a
   * checkpoint clears FRESH, a flush DIRTY), and a branch the JIT saw go one way only is
   * compiled as a trap that, taken, throws away the compiled caller with everything it inlined
   * (mapWithState's batch loop: a recompilation of ~1 s after the first checkpoint).
   */
  private void markWritten(int slot) {
    byte f = flags[slot];
    dirtyCount += ((f & DIRTY) ^ DIRTY) >>> Integer.numberOfTrailingZeros(DIRTY);
    freshCount += ((f & FRESH) ^ FRESH) >>> Integer.numberOfTrailingZeros(FRESH);
    flags[slot] = (byte) (f | DIRTY | FRESH);
    markChanged(slot);
  }

  /**
   * Marks the entry in {@code slot} dirty, but neither fresh nor changed: an entry of a restored
   * checkpoint's dirty entries. RocksDB lacks it (so it is dirty), but the checkpoint holds it and
   * no batch wrote it since, as right after that checkpoint copied it ({@link #clearAllFresh}).
   */
  void markRestored(int slot) {
    if ((flags[slot] & DIRTY) == 0) {
      flags[slot] |= DIRTY;
      dirtyCount++;
    }
  }

  /** Records that batch {@code used} used the entry in {@code slot}. */
  void touch(int slot, int used) {
    lastUsed[slot] = used;
  }

  /** Marks the entry in {@code slot} clean (its value was written). */
  void markClean(int slot) {
    if ((flags[slot] & DIRTY) != 0) {
      flags[slot] &= ~DIRTY;
      dirtyCount--;
    }
    if ((flags[slot] & FRESH) != 0) {
      flags[slot] &= ~FRESH;
      freshCount--;
    }
  }

  /** Marks no entry {@link #FRESH} any more: a checkpoint took them. */
  void clearAllFresh() {
    if (freshCount == 0) {
      return;
    }
    for (int i = 0; i < flags.length; i++) {
      flags[i] &= ~FRESH;
    }
    freshCount = 0;
  }

  /**
   * Marks every entry clean.
   *
   * @return whether one of the entries that were dirty is a removal (absent)
   */
  boolean markAllClean() {
    if (dirtyCount == 0) {
      return false;
    }
    boolean removals = false;
    for (int i = 0; i < flags.length; i++) {
      if ((flags[i] & DIRTY) != 0) {
        flags[i] &= ~(DIRTY | FRESH);
        removals |= valueLength(i) == ABSENT;
      }
    }
    dirtyCount = 0;
    freshCount = 0;
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
    closeGaps();
  }

  /**
   * Removes every clean absent entry (a known absence), closing the gaps if there were any (a new
   * {@link #generation()}).
   */
  void removeCleanAbsent() {
    boolean any = false;
    for (int i = 0; i < flags.length; i++) {
      if ((flags[i] & DIRTY) == 0 && flags[i] != 0 && valueLength(i) == ABSENT) {
        clearSlot(i);
        any = true;
      }
    }
    if (any) {
      closeGaps();
    }
  }

  private void clearSlot(int i) {
    if ((flags[i] & DIRTY) != 0) {
      throw new IllegalStateException("cannot remove the dirty entry in slot " + i);
    }
    release(entrySize(i));
    if ((flags[i] & CHANGED) != 0) {
      changedCount--; // the caller took its change first (StatePartition spills it)
    }
    if ((flags[i] & FRESH) != 0) {
      freshCount--; // not reached: a fresh entry is dirty
    }
    flags[i] = 0;
    size--;
  }

  /**
   * Restores the probing invariant after {@link #clearSlot}s, in place: walking the table once
   * from an empty slot, every entry is taken out and put back at the first free slot from its
   * home, which is never after where it was. Then compacts the slab if the removals left it
   * mostly dead.
   */
  private void closeGaps() {
    final byte[] fs = flags;
    final int m = mask;
    int start = 0;
    while (fs[start] != 0) {
      start++; // the table is never full
    }
    for (int n = 1; n <= m; n++) {
      int i = (start + n) & m;
      if (fs[i] == 0) {
        continue;
      }
      int h = hashes[i];
      int j = h & m;
      while (fs[j] != 0 && j != i) {
        j = (j + 1) & m;
      }
      if (j != i) {
        hashes[j] = h;
        refs[j] = refs[i];
        lastUsed[j] = lastUsed[i];
        fs[j] = fs[i];
        fs[i] = 0;
      }
    }
    generation++;
    compactSlabIfMostlyDead();
  }

  // ------------------------------------------------------------------ slab

  /** Appends an entry to the slab; @return its reference. */
  private int append(byte[] key, int keyOff, int keyLen, byte[] value, int valueOff, int valueLength) {
    int stored = Math.max(0, valueLength);
    int entry = Varints.size(keyLen) + Varints.size(valueLength + 1) + keyLen + stored;
    byte[] page = pages[Math.max(0, pageCount - 1)];
    if (pageCount == 0 || top + entry > page.length) {
      page = newPage(entry);
    }
    int start = top;
    int p = Varints.write(page, start, keyLen);
    p = Varints.write(page, p, valueLength + 1);
    System.arraycopy(key, keyOff, page, p, keyLen);
    p += keyLen;
    if (stored > 0) {
      System.arraycopy(value, valueOff, page, p, stored);
      p += stored;
    }
    top = p;
    liveBytes += entry;
    return ((pageCount - 1) << PAGE_BITS) | start;
  }

  /**
   * Starts a page that holds at least {@code entry} bytes: a quarter of the slab so far (within
   * [4 KiB, 256 KiB], 1 MiB past half the page budget), or while compacting what is left to copy
   * (within the same bound); or one of its own for a larger entry.
   */
  private byte[] newPage(int entry) {
    if (pageCount == MAX_PAGES) {
      throw new IllegalStateException("the cache of one state partition cannot exceed " + MAX_PAGES + " pages ("
          + (((long) MAX_PAGES * MAX_PAGE) >> 30) + " GiB)");
    }
    byte[] page = new byte[Math.max(entry, nextPageSize())];
    if (pageCount == pages.length) {
      pages = Arrays.copyOf(pages, pages.length * 2);
    }
    // The unused end of the page being left is dead space.
    if (pageCount > 0) {
      deadBytes += pages[pageCount - 1].length - top;
    }
    pages[pageCount++] = page;
    top = 0;
    slabBytes += page.length;
    return page;
  }

  /** @return the size of the next page, before the entry that needs it is considered */
  private int nextPageSize() {
    int limit = pageCount < MAX_PAGES / 2 ? SMALL_PAGE : MAX_PAGE;
    if (toCopy > 0) {
      return (int) Math.min(limit, toCopy);
    }
    return (int) Math.min(limit, Math.max(FIRST_PAGE, slabBytes >>> 2));
  }

  private void release(int entryBytes) {
    liveBytes -= entryBytes;
    deadBytes += entryBytes;
  }

  /**
   * Copies the live entries to fresh pages once the dead bytes outweigh the live ones, so that a
   * partition whose values change size holds at most about twice its live bytes. Changes
   * references, not slots. Callers must hold no page offsets across a call.
   */
  void compactSlabIfMostlyDead() {
    if (deadBytes < MIN_DEAD_TO_COMPACT || deadBytes < liveBytes) {
      return;
    }
    byte[][] old = pages;
    pages = new byte[Math.max(4, Integer.highestOneBit(Math.max(1, pageCount)))][];
    toCopy = liveBytes;
    pageCount = 0;
    top = 0;
    liveBytes = 0;
    deadBytes = 0;
    slabBytes = 0;
    for (int i = 0; i < flags.length; i++) {
      if (flags[i] != 0) {
        int ref = refs[i];
        byte[] page = old[ref >>> PAGE_BITS];
        int start = ref & (MAX_PAGE - 1);
        int keyLength = Varints.read(page, start);
        int lengthAt = start + Varints.size(keyLength);
        int valueLength = Varints.read(page, lengthAt) - 1;
        int keyAt = lengthAt + Varints.size(valueLength + 1);
        refs[i] = append(page, keyAt, keyLength, page, keyAt + keyLength, valueLength);
        toCopy -= Varints.size(keyLength) + Varints.size(valueLength + 1) + keyLength + Math.max(0, valueLength);
      }
    }
    toCopy = 0;
  }

  private int entrySize(int slot) {
    int ref = refs[slot];
    byte[] page = pages[ref >>> PAGE_BITS];
    int start = ref & (MAX_PAGE - 1);
    int keyLength = Varints.read(page, start);
    int lengthAt = start + Varints.size(keyLength);
    int valueLength = Varints.read(page, lengthAt) - 1;
    return Varints.size(keyLength) + Varints.size(valueLength + 1) + keyLength + Math.max(0, valueLength);
  }

  // ------------------------------------------------------------------ reading an entry

  /** @return the page holding the entry in {@code slot}: read its key and value at the offsets below */
  byte[] page(int slot) {
    return pages[refs[slot] >>> PAGE_BITS];
  }

  /** @return the length of the key in {@code slot} (the RocksDB key, partition prefix included) */
  int keyLength(int slot) {
    int ref = refs[slot];
    return Varints.read(pages[ref >>> PAGE_BITS], ref & (MAX_PAGE - 1));
  }

  /** @return the offset of the key in {@code slot} in its {@link #page} */
  int keyOffset(int slot) {
    int ref = refs[slot];
    byte[] page = pages[ref >>> PAGE_BITS];
    int p = ref & (MAX_PAGE - 1);
    while (page[p++] < 0) {
      // key length
    }
    while (page[p++] < 0) {
      // value length
    }
    return p;
  }

  /** @return the length of the value in {@code slot}, or {@link #ABSENT} */
  int valueLength(int slot) {
    int ref = refs[slot];
    byte[] page = pages[ref >>> PAGE_BITS];
    int p = ref & (MAX_PAGE - 1);
    while (page[p++] < 0) {
      // key length
    }
    return Varints.read(page, p) - 1;
  }

  /** @return the offset of the value in {@code slot} in its {@link #page} (meaningless if absent) */
  int valueOffset(int slot) {
    return keyOffset(slot) + keyLength(slot);
  }

  // ------------------------------------------------------------------ slots

  /** @return the number of slots; every slot number is in [0, capacity) */
  int capacity() {
    return flags.length;
  }

  /** @return whether {@code slot} holds an entry */
  boolean isOccupied(int slot) {
    return flags[slot] != 0;
  }

  boolean isDirty(int slot) {
    return (flags[slot] & DIRTY) != 0;
  }

  /** @return whether the entry in {@code slot} changed since its change was last taken */
  boolean isChanged(int slot) {
    return (flags[slot] & CHANGED) != 0;
  }

  /** Forgets that the entry in {@code slot} changed (its change was taken). */
  void clearChanged(int slot) {
    if ((flags[slot] & CHANGED) != 0) {
      flags[slot] &= ~CHANGED;
      changedCount--;
    }
  }

  /** @return the number of entries marked changed */
  int changedCount() {
    return changedCount;
  }

  /** Turns the marking of changed entries on (for good: a table that logs changes always does). */
  void trackChanges() {
    trackChanges = true;
  }

  /**
   * Drops every entry, dirty ones included (the caller discards their writes on purpose: a wiped
   * or re-applied key group), and frees the slab. A new {@link #generation()}.
   */
  void clear() {
    allocateIndex(INITIAL_CLEAR_CAPACITY);
    size = 0;
    dirtyCount = 0;
    freshCount = 0;
    changedCount = 0;
    pages = new byte[4][];
    pageCount = 0;
    top = 0;
    liveBytes = 0;
    deadBytes = 0;
    slabBytes = 0;
    generation++;
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

  /** @return the number of entries written since the last checkpoint capture ({@link #clearAllFresh}) */
  int freshCount() {
    return freshCount;
  }

  /** @return a number that changes whenever entries move to other slots */
  int generation() {
    return generation;
  }

  /** @return the bytes of the entries (header, key and value) still referenced */
  long liveBytes() {
    return liveBytes;
  }

  /** @return the bytes of the slab's pages, used or not */
  long slabBytes() {
    return slabBytes;
  }

  /** @return the heap this table holds: index arrays and slab pages */
  long memoryBytes() {
    return 13L * flags.length + slabBytes + 16L * pages.length;
  }
}
