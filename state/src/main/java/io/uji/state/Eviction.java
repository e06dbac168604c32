package io.uji.state;

/**
 * Which entries a cache over its bound drops: those unused for the most batches first and, among
 * equally old ones, clean before dirty (dropping a clean entry costs nothing, a dirty one must be
 * written first). Ages are counted in batches and capped at {@value #MAX_AGE}: older entries are
 * all equally old.
 *
 * <p>Two passes over the table and no sorting: a histogram of the ranks finds the rank at which
 * {@code count} victims are reached, then the slots are taken in slot order.
 */
final class Eviction {
  static final int MAX_AGE = 127;

  private Eviction() {}

  /**
   * @param count how many entries to evict, at most {@code table.size()}
   * @param now the current batch (entries used by it have age 0)
   * @return the slots of exactly {@code count} entries to evict, in slot order
   * @throws IllegalArgumentException if {@code count} is negative or exceeds the table's size
   */
  static int[] victims(CacheTable table, int count, int now) {
    if (count < 0 || count > table.size()) {
      throw new IllegalArgumentException("cannot evict " + count + " of " + table.size() + " entries");
    }
    final int capacity = table.capacity();
    long[] histogram = new long[(MAX_AGE + 1) * 2];
    for (int i = 0; i < capacity; i++) {
      if (table.isOccupied(i)) {
        histogram[rank(table, i, now)]++;
      }
    }
    // The highest ranks go first: every entry above the cutoff rank, and the first atCutoff
    // entries (in slot order) at it.
    int cutoff = histogram.length - 1;
    long atCutoff = 0;
    long sum = 0;
    for (; cutoff >= 0; cutoff--) {
      if (sum + histogram[cutoff] >= count) {
        atCutoff = count - sum;
        break;
      }
      sum += histogram[cutoff];
    }
    int[] victims = new int[count];
    int nv = 0;
    for (int i = 0; i < capacity && nv < count; i++) {
      if (!table.isOccupied(i)) {
        continue;
      }
      int r = rank(table, i, now);
      if (r > cutoff || (r == cutoff && atCutoff-- > 0)) {
        victims[nv++] = i;
      }
    }
    return victims;
  }

  /** @return the eviction rank of the entry in {@code slot}: higher goes first */
  static int rank(CacheTable table, int slot, int now) {
    int age = Math.min(MAX_AGE, Math.max(0, now - table.lastUsed(slot)));
    return age * 2 + (table.isDirty(slot) ? 0 : 1);
  }
}
