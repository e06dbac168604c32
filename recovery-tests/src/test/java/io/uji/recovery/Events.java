package io.uji.recovery;

import java.util.Map;
import java.util.TreeMap;

/** The deterministic input of every test job, and its ground truth computed with plain loops. */
final class Events {
  private Events() {}

  /** @return the user of event {@code i} among {@code users} (a fixed pseudo-random spread) */
  static int user(long i, int users) {
    long h = (i + 1) * 0x9E3779B97F4A7C15L;
    h ^= h >>> 29;
    return (int) Math.floorMod(h, (long) users);
  }

  /** @return events per user for events {@code [0, n)} */
  static Map<Integer, Long> countsPerUser(long n, int users) {
    Map<Integer, Long> m = new TreeMap<>();
    for (long i = 0; i < n; i++) {
      m.merge(user(i, users), 1L, Long::sum);
    }
    return m;
  }
}
