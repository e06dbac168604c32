package io.uji.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU seconds this JVM spent so far, by kind of thread (Linux's /proc/self/task): the JIT
 * compilers, the garbage collector (with the VM thread, which runs its safepoints), the worker
 * pool, the batch runner, the main thread, the rest. Where a fresh JVM's first seconds go: in a
 * restarted JVM the compilers run beside the first batches on the same cores.
 */
final class ThreadCpu {
  private ThreadCpu() {}

  /** @return "jit_ms=.. gc_ms=.. workers_ms=.. batch_ms=.. main_ms=.. other_ms=.." (10 ms ticks), or "" if unreadable */
  static String byKind() {
    Map<String, Long> ticks = new LinkedHashMap<>();
    for (String k : new String[] {"jit", "gc", "workers", "batch", "main", "other"}) {
      ticks.put(k, 0L);
    }
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        String stat;
        try {
          stat = Files.readString(t.resolve("stat"));
        } catch (IOException gone) {
          continue; // the thread ended
        }
        String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // state(0) ... utime(11) stime(12)
        ticks.merge(kind(comm), Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
      }
    } catch (IOException | RuntimeException e) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    ticks.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "%s_ms=%d", k, v * 10)));
    return sb.toString();
  }

  /** The kind of a thread by its name as /proc shows it (at most 15 characters). */
  private static String kind(String comm) {
    if (comm.contains("CompilerThre")) {
      return "jit";
    } else if (comm.startsWith("GC Thread") || comm.equals("VM Thread") || comm.startsWith("ParGC")) {
      return "gc";
    } else if (comm.contains("-worker-")) {
      return "workers";
    } else if (comm.contains("-batch-run")) {
      return "batch";
    } else if (comm.equals("java") || comm.equals("main")) {
      return "main";
    }
    return "other";
  }
}
