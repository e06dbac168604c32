package io.uji.bench;

/**
 * Each user's number of events among the generator's first {@code n}, in pages of 2^20 users:
 * one byte a user while every count fits (20 M users take 20 MB, where an {@code int} each took
 * 80 MB, which a 1 GB heap holding a running context's state cache could not spare: the recovery
 * check at 20 M keys ran out of memory with it, docs/PERFORMANCE.md), an {@code int} a user when
 * some user has more than 127 events (few users, many events: small anyway).
 */
final class ExpectedCounts {
  private static final int PAGE_BITS = 20;
  private static final int LOW = (1 << PAGE_BITS) - 1;

  /** One of the two is null. */
  private final byte[][] small;
  private final int[][] large;
  private final long users;

  private ExpectedCounts(byte[][] small, int[][] large, long users) {
    this.small = small;
    this.large = large;
    this.users = users;
  }

  /**
   * Counts events {@code 0 .. n-1} of {@code k} users.
   *
   * @throws IllegalArgumentException if {@code k} does not fit an {@code int}
   */
  static ExpectedCounts of(long n, long k) {
    if (k > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("k too large for the check: " + k);
    }
    int all = (int) k;
    int pageCount = (all >>> PAGE_BITS) + 1;
    byte[][] pages = new byte[pageCount][];
    for (int p = 0; p < pageCount; p++) {
      pages[p] = new byte[Math.min(1 << PAGE_BITS, all - (p << PAGE_BITS))];
    }
    long users = 0;
    for (long i = 0; i < n; i++) {
      int u = (int) Gen.user(i, k);
      byte[] page = pages[u >>> PAGE_BITS];
      int c = page[u & LOW];
      if (c == Byte.MAX_VALUE) {
        return countedInInts(n, k, pageCount); // a byte cannot hold this user's count
      }
      if (c == 0) {
        users++;
      }
      page[u & LOW] = (byte) (c + 1);
    }
    return new ExpectedCounts(pages, null, users);
  }

  private static ExpectedCounts countedInInts(long n, long k, int pageCount) {
    int all = (int) k;
    int[][] pages = new int[pageCount][];
    for (int p = 0; p < pageCount; p++) {
      pages[p] = new int[Math.min(1 << PAGE_BITS, all - (p << PAGE_BITS))];
    }
    long users = 0;
    for (long i = 0; i < n; i++) {
      int u = (int) Gen.user(i, k);
      if (pages[u >>> PAGE_BITS][u & LOW]++ == 0) {
        users++;
      }
    }
    return new ExpectedCounts(null, pages, users);
  }

  /** @return the events of {@code user} (0 if none) */
  int count(int user) {
    return small != null ? small[user >>> PAGE_BITS][user & LOW] : large[user >>> PAGE_BITS][user & LOW];
  }

  /** @return the users with at least one event */
  long users() {
    return users;
  }
}
