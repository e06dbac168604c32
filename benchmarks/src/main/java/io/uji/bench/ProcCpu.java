package io.uji.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU seconds of processes and of the whole machine, from Linux's /proc (the benchmarks' CPU accounts). */
public final class ProcCpu {
  private ProcCpu() {}

  /** @return user+system CPU seconds of a process from /proc/PID/stat (100 ticks a second), -1 when unreadable */
  public static double pidCpuS(String pid) {
    try {
      String s = Files.readString(Path.of("/proc", pid, "stat"));
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" "); // state(0) ... utime(11) stime(12)
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** @return busy CPU seconds of the whole machine from /proc/stat, -1 when unreadable */
  public static double machineBusyS() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
        if (line.startsWith("cpu ")) {
          String[] f = line.trim().split("\\s+");
          long busy = 0;
          for (int i : new int[] {1, 2, 3, 6, 7, 8}) { // user nice system irq softirq steal
            busy += Long.parseLong(f[i]);
          }
          return busy / 100.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return -1;
  }
}
