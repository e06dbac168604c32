package io.uji.bench;

import java.util.BitSet;

/**
 * The deterministic generator of {@code docs/WORKLOADS.md}, the same as the peers'
 * ({@code benchmarks/peers/common}): event {@code i} belongs to user {@code u(i) = (i * 0x9E3779B97F4A7C15) mod_unsigned K}
 * and its record is {@code "user-" + u(i)}.
 *
 * <p>The word-count workload (Uji's own, no peer runs it) reuses it: line {@code i} has
 * {@code w} words, word {@code j} of it is {@code "w" + u(i * w + j)} with {@code K} = the
 * vocabulary size. So N lines of w words hold the words of events {@code 0 .. N*w - 1}.
 */
public final class Gen {
  public static final long MUL = 0x9E3779B97F4A7C15L;

  private Gen() {}

  public static long user(long i, long k) {
    return Long.remainderUnsigned(i * MUL, k);
  }

  public static String record(long i, long k) {
    return "user-" + user(i, k);
  }

  /** Line {@code i} of the word-count input: {@code words} words separated by single spaces. */
  public static String line(long i, int words, long vocabulary) {
    StringBuilder sb = new StringBuilder(words * 6);
    long first = i * words;
    for (int j = 0; j < words; j++) {
      if (j > 0) {
        sb.append(' ');
      }
      sb.append('w').append(user(first + j, vocabulary));
    }
    return sb.toString();
  }

  /** Number of distinct u(i) for 0 <= i < n. */
  public static long distinctUsers(long n, long k) {
    if (k > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("k too large for the check: " + k);
    }
    BitSet seen = new BitSet((int) k);
    for (long i = 0; i < n; i++) {
      seen.set((int) user(i, k));
    }
    return seen.cardinality();
  }
}
