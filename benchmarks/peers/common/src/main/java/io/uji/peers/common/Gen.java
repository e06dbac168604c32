package io.uji.peers.common;

import java.util.BitSet;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The deterministic generator of docs/WORKLOADS.md, the same as Uji's {@code io.uji.bench.Gen}:
 * event {@code i} belongs to user {@code u(i) = Long.remainderUnsigned(i * 0x9E3779B97F4A7C15L, K)}
 * and its record (Kafka: its key) is {@code "user-" + u(i)}.
 */
public final class Gen {
  /** The generator's multiplier (2^64 divided by the golden ratio). */
  public static final long MUL = 0x9E3779B97F4A7C15L;

  private Gen() {}

  /** @return u(i) for K users */
  public static long user(long i, long k) {
    return Long.remainderUnsigned(i * MUL, k);
  }

  /** @return event i's record, {@code "user-" + u(i)} */
  public static String record(long i, long k) {
    return "user-" + user(i, k);
  }

  /** @return the records of events [from, to), generated lazily (where they are iterated) */
  public static Iterator<String> records(long from, long to, long k) {
    return new Iterator<>() {
      private long i = from;

      @Override
      public boolean hasNext() {
        return i < to;
      }

      @Override
      public String next() {
        if (i >= to) {
          throw new NoSuchElementException();
        }
        return record(i++, k);
      }
    };
  }

  /** @return the start of slice {@code s} of {@code p} equal slices of the event range [from, to) */
  public static long sliceStart(long from, long to, int s, int p) {
    return from + (to - from) * s / p;
  }

  /**
   * @return the number of distinct u(i) for 0 <= i < n: the number of users the state must hold
   * @throws IllegalArgumentException if K is too large for the check's BitSet
   */
  public static long distinctUsers(long n, long k) {
    BitSet seen = new BitSet(checkedK(k));
    for (long i = 0; i < n; i++) {
      seen.set((int) user(i, k));
    }
    return seen.cardinality();
  }

  /**
   * @return every user's final count after events 0 .. n-1, indexed by user
   * @throws IllegalArgumentException if K is too large for an array
   */
  public static int[] expectedCounts(long n, long k) {
    int[] c = new int[checkedK(k)];
    for (long i = 0; i < n; i++) {
      c[(int) user(i, k)]++;
    }
    return c;
  }

  private static int checkedK(long k) {
    if (k <= 0 || k > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("K=" + k + " is out of range for the check (1 .. " + Integer.MAX_VALUE + ")");
    }
    return (int) k;
  }
}
