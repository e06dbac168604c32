package io.uji.bench;

/**
 * Each user's number of events among the generator's first {@code n}, one byte a user in pages
 * of 2^20 users: 20 M users take 20 MB, where an {@code int} each took 80 MB, which a 1 GB heap
 * holding a running context's state cache could not spare (the recovery check at 20 M keys ran
 * out of memory with it, docs/PERFORMANCE.md).
 */
final class ExpectedCounts {
  private static final int PAGE_BITS = 20;
  private static final int LOW = (1 << PAGE_BITS) - 1;

  private final byte[][] pages;
  private final long users;

  private ExpectedCounts(byte[][] pages, long users) {
    this.pages = pages;
    this.users = users;
  }

  /**
   * Counts events {@code 0 .. n-1} of {@code k} users.
   *
   * @throws IllegalArgumentException if {@code k} does not fit an {@code int} or a user has more
   *     than 127 events (then a byte cannot hold the count)
   */
  static ExpectedCounts of(long n, long k) {
    if (k > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("k too large for the check: " + k);
    }
    int all = (int) k;
    byte[][] pages = new byte[(all >>> PAGE_BITS) + 1][];
    for (int p = 0; p < pages.length; p++) {
      pages[p] = new byte[Math.min(1 << PAGE_BITS, all - (p << PAGE_BITS))];
    }
    long users = 0;
    for (long i = 0; i < n; i++) {
      int u = (int) Gen.user(i, k);
      byte[] page = pages[u >>> PAGE_BITS];
      int c = page[u & LOW];
      if (c == Byte.MAX_VALUE) {
        throw new IllegalArgumentException("user " + u + " has more than 127 events: a byte cannot count them");
      }
      if (c == 0) {
        users++;
      }
      page[u & LOW] = (byte) (c + 1);
    }
    return new ExpectedCounts(pages, users);
  }

  /** @return the events of {@code user} (0 if none) */
  int count(int user) {
    return pages[user >>> PAGE_BITS][user & LOW];
  }

  /** @return the users with at least one event */
  long users() {
    return users;
  }
}
