package io.uji.state;

import io.uji.serde.ByteSink;
import io.uji.serde.Serde;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * State entries of one partition waiting to be written: each a key and a value or a removal.
 * Values are serialized as they are added (into one growing buffer, nothing allocated per
 * entry), because a state object may be changed in place after this moment; keys are kept as
 * references and serialized when the entries are encoded ({@link #encode}), since keys never
 * change (they are hash keys). For a checkpoint the adding happens at the batch boundary and
 * the encoding later on another thread, so the boundary pays for the values only.
 *
 * <p>Not thread-safe; handed from the thread that fills it to the one that encodes it.
 *
 * @param <K> the key type
 * @param <S> the state type
 */
final class SerializedEntries<K, S> {
  /** Entries per write batch: large enough to amortize the JNI call, small enough to stream. */
  static final int WRITE_CHUNK = 32768;

  private final int cfId;
  private final int partition;
  private final Serde<K> keySerde;
  private final Serde<S> valueSerde;
  private final ByteSink values;
  private Object[] keys;
  /** Entry i's value: values[valueStarts[i], valueStarts[i] + valueLengths[i]); length -1 = removal. */
  private int[] valueStarts;
  private int[] valueLengths;
  private int size;

  SerializedEntries(int cfId, int partition, Serde<K> keySerde, Serde<S> valueSerde, int expectedEntries) {
    this.cfId = cfId;
    this.partition = partition;
    this.keySerde = keySerde;
    this.valueSerde = valueSerde;
    int n = Math.max(16, expectedEntries);
    this.values = new ByteSink((int) Math.min(Integer.MAX_VALUE - 8, 16L * n));
    this.keys = new Object[n];
    this.valueStarts = new int[n];
    this.valueLengths = new int[n];
  }

  /** Appends an entry: {@code value} null is a removal. The value is serialized now. */
  void add(K key, S value) {
    if (size == keys.length) {
      int n = size + (size >> 1);
      keys = Arrays.copyOf(keys, n);
      valueStarts = Arrays.copyOf(valueStarts, n);
      valueLengths = Arrays.copyOf(valueLengths, n);
    }
    int start = values.position();
    int length = -1;
    if (value != null) {
      valueSerde.write(value, values);
      length = values.position() - start;
    }
    keys[size] = key;
    valueStarts[size] = start;
    valueLengths[size] = length;
    size++;
  }

  int size() {
    return size;
  }

  /**
   * Serializes the keys (with the partition prefix) and hands the entries to {@code sink} as
   * write batches of {@value #WRITE_CHUNK}, in (nearly) key order. Key order makes the memtable
   * inserts ~10x faster than hash order (the skip list's insert hint is reused for nearby keys):
   * measured on 1 M keys, ~0.1 s instead of ~1-1.5 s. See {@link #approximateKeyOrder} for why
   * the order is approximate.
   */
  @SuppressWarnings("unchecked")
  void encode(Consumer<EncodedBatch> sink) {
    if (size == 0) {
      return;
    }
    ByteSink keyBytes = new ByteSink(Math.max(64, 16 * size));
    int[] keyStarts = new int[size];
    int[] keyLengths = new int[size];
    for (int i = 0; i < size; i++) {
      keyStarts[i] = keyBytes.position();
      keyBytes.writeByte(partition >>> 8);
      keyBytes.writeByte(partition);
      keySerde.write((K) keys[i], keyBytes);
      keyLengths[i] = keyBytes.position() - keyStarts[i];
    }
    byte[] kb = keyBytes.buffer();
    byte[] vb = values.buffer();
    int[] order = approximateKeyOrder(kb, keyStarts, keyLengths, size);
    WriteBatchEncoder enc = new WriteBatchEncoder(cfId);
    for (int from = 0; from < size; from += WRITE_CHUNK) {
      int to = Math.min(size, from + WRITE_CHUNK);
      for (int k = from; k < to; k++) {
        int i = order[k];
        if (valueLengths[i] < 0) {
          enc.delete(kb, keyStarts[i], keyLengths[i]);
        } else {
          enc.put(kb, keyStarts[i], keyLengths[i], vb, valueStarts[i], valueLengths[i]);
        }
      }
      int count = enc.count();
      sink.accept(new EncodedBatch(enc.finish(), count));
    }
  }

  /**
   * @return the indexes of the keys {@code buf[starts[i], starts[i] + lengths[i])}, i &lt; n, in
   *     nearly unsigned-lexicographic order. Sorting byte arrays is itself slow (0.3-0.8 s for
   *     500 k, cache misses), so keys are sorted by the 8 bytes after their common prefix packed
   *     with their index into one long: exact order up to ~5 bytes past the common prefix, which
   *     is all the memtable needs.
   */
  static int[] approximateKeyOrder(byte[] buf, int[] starts, int[] lengths, int n) {
    int common = lengths[0];
    for (int i = 1; i < n && common > 0; i++) {
      int m = Arrays.mismatch(buf, starts[0], starts[0] + common, buf, starts[i], starts[i] + Math.min(common, lengths[i]));
      if (m >= 0) {
        common = m;
      }
    }
    final int indexBits = Math.max(1, 32 - Integer.numberOfLeadingZeros(n - 1));
    final long indexMask = (1L << indexBits) - 1;
    long[] packed = new long[n];
    for (int i = 0; i < n; i++) {
      long prefix = 0;
      for (int j = 0; j < 8; j++) {
        int pos = common + j;
        prefix = (prefix << 8) | (pos < lengths[i] ? (buf[starts[i] + pos] & 0xFF) : 0);
      }
      // Unsigned order of the prefix = signed order after flipping the sign bit.
      packed[i] = (((prefix >>> indexBits) << indexBits) | i) ^ Long.MIN_VALUE;
    }
    Arrays.sort(packed);
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = (int) ((packed[i] ^ Long.MIN_VALUE) & indexMask);
    }
    return order;
  }

  /** As {@link #approximateKeyOrder(byte[], int[], int[], int)} for separate arrays. */
  static int[] approximateKeyOrder(byte[][] keys) {
    int n = keys.length;
    int[] starts = new int[n];
    int[] lengths = new int[n];
    int total = 0;
    for (int i = 0; i < n; i++) {
      starts[i] = total;
      lengths[i] = keys[i].length;
      total += keys[i].length;
    }
    byte[] buf = new byte[total];
    for (int i = 0; i < n; i++) {
      System.arraycopy(keys[i], 0, buf, starts[i], lengths[i]);
    }
    return approximateKeyOrder(buf, starts, lengths, n);
  }
}
