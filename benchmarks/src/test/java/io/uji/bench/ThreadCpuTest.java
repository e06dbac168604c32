package io.uji.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {
  @Test
  void shouldCountAWorkerThreadsCpuUnderWorkers() throws InterruptedException {
    AtomicReference<String> seen = new AtomicReference<>();
    Thread worker = new Thread(() -> {
      // Spends 200 ms of its own CPU, then reads the kinds while it still runs (a thread that ended is not listed).
      long until = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() + 200_000_000L;
      long x = 0;
      while (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() < until) {
        x += System.nanoTime() & 1;
      }
      seen.set(ThreadCpu.byKind() + " spin=" + x);
    }, "uji-1-worker-1");
    worker.start();
    worker.join();
    Matcher m = Pattern.compile("workers_ms=(\\d+)").matcher(seen.get());
    assertTrue(m.find(), seen.get());
    // /proc counts in 10 ms ticks: at least 150 of the 200 ms spent, whatever the rounding.
    assertTrue(Long.parseLong(m.group(1)) >= 150, seen.get());
    assertTrue(seen.get().contains("jit_ms=") && seen.get().contains("gc_ms=") && seen.get().contains("main_ms="), seen.get());
  }
}
