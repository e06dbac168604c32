package io.uji.peers.common;

/** Percentiles over sorted batch times, computed as Uji's benchmarks compute them. */
public final class Stats {
  private Stats() {}

  /** @return the nearest-rank q-quantile of an ascending array, NaN when it is empty */
  public static double percentile(long[] sortedAsc, double q) {
    if (sortedAsc.length == 0) {
      return Double.NaN;
    }
    int idx = (int) Math.ceil(q * sortedAsc.length) - 1;
    return sortedAsc[Math.max(0, Math.min(sortedAsc.length - 1, idx))];
  }

  /** @return the median of an ascending array (the mean of the middle two when even), NaN when empty */
  public static double median(long[] sortedAsc) {
    int n = sortedAsc.length;
    if (n == 0) {
      return Double.NaN;
    }
    return n % 2 == 1 ? sortedAsc[n / 2] : (sortedAsc[n / 2 - 1] + sortedAsc[n / 2]) / 2.0;
  }
}
