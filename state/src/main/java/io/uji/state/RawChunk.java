package io.uji.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Changes of one key group read back from a changelog, to be written as they are with {@link
 * StateTable#applyRaw}: each a key as {@link ChangeSink} gave it and its value, or null for a
 * removal. Later entries for a key win, as in the log. Reusable: {@link #clear()} empties it.
 *
 * <p>Not thread-safe.
 */
public final class RawChunk {
  /** The filing time of an entry not filed in the time index. */
  public static final long NOT_FILED = -1;

  private final List<byte[]> keys;
  private final List<byte[]> values;
  private long[] filedAt;

  /** @param expectedSize how many entries will be added (a hint) */
  public RawChunk(int expectedSize) {
    keys = new ArrayList<>(Math.max(16, expectedSize));
    values = new ArrayList<>(Math.max(16, expectedSize));
    filedAt = new long[Math.max(16, expectedSize)];
  }

  /**
   * Appends a change; the arrays are kept (not copied) until the chunk is applied or cleared.
   *
   * @param key the state key ({@code | group : u16 BE | serialized key |})
   * @param value the serialized state, or null for a removal
   * @throws NullPointerException if {@code key} is null
   */
  public void add(byte[] key, byte[] value) {
    add(key, value, NOT_FILED);
  }

  /**
   * Appends a change whose key is also filed in the partition's time index under {@code time}
   * (mapWithState's timeouts: the changelog record's {@code uji.t} header), as {@link
   * TimeIndex#add} would have filed it; {@link #NOT_FILED} files nothing.
   *
   * @throws NullPointerException if {@code key} is null
   */
  public void add(byte[] key, byte[] value, long time) {
    int i = keys.size();
    if (i == filedAt.length) {
      filedAt = java.util.Arrays.copyOf(filedAt, i + (i >> 1));
    }
    keys.add(Objects.requireNonNull(key, "key"));
    values.add(value);
    filedAt[i] = time;
  }

  /** @return the number of entries */
  public int size() {
    return keys.size();
  }

  /** Removes every entry. */
  public void clear() {
    keys.clear();
    values.clear();
  }

  byte[] key(int i) {
    return keys.get(i);
  }

  byte[] value(int i) {
    return values.get(i);
  }

  long filedAt(int i) {
    return filedAt[i];
  }
}
