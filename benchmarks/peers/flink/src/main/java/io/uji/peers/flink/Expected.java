package io.uji.peers.flink;

import io.uji.peers.common.Gen;

/**
 * What a correct session-count run must emit, computed from the generator alone before the job
 * runs, and the order-independent fingerprint of the emitted (user, count) pairs.
 *
 * @param distinctUsers users with state at the end (= records emitted with count 1)
 * @param maxCount the largest final count of a user
 * @param checksum the sum (mod 2^64) of {@link #pairHash} over every user u and 1 <= j <= c_u
 */
record Expected(long distinctUsers, long maxCount, long checksum) {

  /** @return the fingerprint of one emitted pair; the sum over a run depends only on the multiset of pairs */
  static long pairHash(String user, long count) {
    long h = user.hashCode() * Gen.MUL + count;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h;
  }

  /** @throws IllegalArgumentException if K is too large for the check */
  static Expected of(long n, long k) {
    int[] c = Gen.expectedCounts(n, k);
    long users = 0;
    long max = 0;
    long sum = 0;
    for (int u = 0; u < c.length; u++) {
      int cu = c[u];
      if (cu == 0) {
        continue;
      }
      users++;
      max = Math.max(max, cu);
      String s = "user-" + u;
      for (int j = 1; j <= cu; j++) {
        sum += pairHash(s, j);
      }
    }
    return new Expected(users, max, sum);
  }
}
