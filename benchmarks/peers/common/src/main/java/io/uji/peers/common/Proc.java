package io.uji.peers.common;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * What the RESULT lines report about processes (memory and CPU from /proc, the JVM's heap and
 * collector), and the run's temporary directories.
 */
public final class Proc {
  private Proc() {}

  /**
   * @param pid "self" or a process id
   * @return {VmHWM, VmRSS} of the process in MiB from /proc/PID/status, -1 where unreadable
   *     (not Linux, or the process is gone)
   */
  public static double[] memMb(String pid) {
    double hwm = -1;
    double rss = -1;
    try {
      for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
        if (line.startsWith("VmHWM:")) {
          hwm = Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        } else if (line.startsWith("VmRSS:")) {
          rss = Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      // the figures stay -1
    }
    return new double[] {hwm, rss};
  }

  /** @return {VmHWM, VmRSS} of this JVM in MiB */
  public static double[] memMb() {
    return memMb("self");
  }

  /**
   * @return user+system CPU seconds of a process from /proc/PID/stat (100 clock ticks a second
   *     assumed), -1 when unreadable
   */
  public static double cpuS(String pid) {
    try {
      String s = Files.readString(Path.of("/proc", pid, "stat"));
      // the fields after "(command)": state(0) ppid(1) ... utime(11) stime(12)
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** @return busy CPU seconds of the whole machine (all cores) from /proc/stat, -1 when unreadable */
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

  /** @return this JVM's -Xmx argument, or "default" */
  public static String xmx() {
    String xmx = "default";
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("-Xmx")) {
        xmx = a.substring(4);
      }
    }
    return xmx;
  }

  /** @return this JVM's collector: Parallel, G1, Z, Serial or ? */
  public static String gcName() {
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
    return gc;
  }

  /** @return "xmx=4g gc=Parallel" */
  public static String jvmDesc() {
    return "xmx=" + xmx() + " gc=" + gcName();
  }

  /** @return the collection time of all collectors so far, in ms */
  public static long gcMillis() {
    long t = 0;
    for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
      t += Math.max(0, b.getCollectionTime());
    }
    return t;
  }

  /**
   * @return the directory under which a run keeps its checkpoints, state and temporary files:
   *     the JVM's {@code java.io.tmpdir}, which run.sh points at a fresh directory it removes at exit
   */
  public static Path workDir() {
    return Path.of(System.getProperty("java.io.tmpdir"));
  }

  /**
   * @return a new directory under {@link #workDir()}
   * @throws IOException if it cannot be created
   */
  public static Path freshDir(String prefix) throws IOException {
    return Files.createTempDirectory(workDir(), prefix).toAbsolutePath();
  }

  /** Deletes a directory tree, best effort: what is left goes with run.sh's temp dir. */
  public static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("could not delete " + dir + ": " + e);
    }
  }
}
