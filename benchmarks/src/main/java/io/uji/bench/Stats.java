package io.uji.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** Percentiles, memory and JVM description, computed the same way as the peers' benchmarks. */
final class Stats {
  private Stats() {}

  /** Nearest-rank percentile of an ascending array ({@code q} in (0, 1]); NaN if empty. */
  static double percentile(long[] sortedAsc, double q) {
    if (sortedAsc.length == 0) {
      return Double.NaN;
    }
    int idx = (int) Math.ceil(q * sortedAsc.length) - 1;
    return sortedAsc[Math.max(0, Math.min(sortedAsc.length - 1, idx))];
  }

  /** Median of an ascending array (mean of the two middle values when even); NaN if empty. */
  static double median(long[] sortedAsc) {
    int n = sortedAsc.length;
    if (n == 0) {
      return Double.NaN;
    }
    return n % 2 == 1 ? sortedAsc[n / 2] : (sortedAsc[n / 2 - 1] + sortedAsc[n / 2]) / 2.0;
  }

  /** Peak resident set size (VmHWM of /proc/self/status) in MiB, or -1 where there is no /proc. */
  static double peakRssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return -1;
  }

  /** {@code "xmx=4g gc=G1"} from the JVM's own arguments and collectors. */
  static String jvmDesc() {
    String xmx = "default";
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("-Xmx")) {
        xmx = a.substring(4);
      }
    }
    String gc = "?";
    for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
      String nm = b.getName();
      if (nm.startsWith("PS ")) {
        gc = "Parallel";
      } else if (nm.startsWith("G1 ")) {
        gc = "G1";
      } else if (nm.startsWith("ZGC")) {
        gc = "Z";
      } else if (nm.equals("Copy") || nm.equals("MarkSweepCompact")) {
        gc = "Serial";
      }
    }
    return "xmx=" + xmx + " gc=" + gc;
  }

  /** Total time of all collections so far, in ms. */
  static long gcMillis() {
    long t = 0;
    for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
      t += Math.max(0, b.getCollectionTime());
    }
    return t;
  }
}
