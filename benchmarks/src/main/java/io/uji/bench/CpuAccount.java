package io.uji.bench;

import io.uji.streaming.BatchInfo;
import io.uji.streaming.StreamingListener;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where the CPU of a run went, per process, from the first batch with records to the last batch
 * completed (the span the throughput is computed over): this JVM, the broker (by its pid, from
 * /proc) and the whole machine, so that "other" (builds, other benchmarks) shows too. The same
 * figures as Kafka Streams' harness prints (streams_cpu_s, broker_cpu_s, other_cores), plus CPU
 * seconds per 10 M events, which compare the sides whatever their throughput.
 */
final class CpuAccount implements StreamingListener {
  private final String brokerPid;
  private final long events;
  private volatile Sample first;
  private volatile Sample last;

  /** The CPU counters at one moment. */
  private record Sample(long nanos, double jvmS, double brokerS, double machineS) {}

  /**
   * @param brokerPid the broker's pid, or null if it is not on this machine
   * @param events the events of the run, for the per-10-M figures
   */
  CpuAccount(String brokerPid, long events) {
    this.brokerPid = brokerPid;
    this.events = events;
  }

  private Sample sample() {
    return new Sample(System.nanoTime(), jvmCpuS(), brokerPid == null ? -1 : ProcCpu.pidCpuS(brokerPid), ProcCpu.machineBusyS());
  }

  @Override
  public void onBatchStarted(BatchInfo batch) {
    if (first == null && batch.numRecords() > 0) {
      first = sample();
    }
  }

  @Override
  public void onBatchCompleted(BatchInfo batch) {
    if (first != null) {
      last = sample();
    }
  }

  /** @return the RESULT line's CPU fields, or "" if no batch with records ran */
  String figures() {
    Sample a = first;
    Sample b = last;
    if (a == null || b == null) {
      return "";
    }
    double spanS = (b.nanos() - a.nanos()) / 1e9;
    double jvm = b.jvmS() - a.jvmS();
    double broker = brokerPid == null ? -1 : b.brokerS() - a.brokerS();
    double machine = b.machineS() - a.machineS();
    double other = machine - jvm - Math.max(0, broker);
    double per10m = 10_000_000.0 / events;
    return String.format(Locale.ROOT, " uji_cpu_s=%.1f broker_cpu_s=%.1f uji_cpu_s_per_10m=%.1f"
        + " broker_cpu_s_per_10m=%.1f machine_busy_s=%.1f other_cpu_s=%.1f other_cores=%.2f cpu_span_s=%.1f"
        + " uji_gc_threads_cpu_s=%.1f",
        jvm, broker, jvm * per10m, broker < 0 ? -1 : broker * per10m, machine, other, other / Math.max(1e-9, spanS),
        spanS, gcThreadsCpuS());
  }

  /**
   * @return CPU seconds of this JVM's garbage collector threads since it started (HotSpot names
   *     them "GC Thread#n", G1's concurrent ones "G1 ..."), from /proc/self/task; -1 when
   *     unreadable. Most of the JVM's other CPU is the program's (JIT compiler threads aside).
   */
  static double gcThreadsCpuS() {
    try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      return tasks.mapToDouble(t -> {
        try {
          String comm = Files.readString(t.resolve("comm")).trim();
          return comm.startsWith("GC Thread") || comm.startsWith("G1 ") ? ProcCpu.pidCpuS("self/task/" + t.getFileName()) : 0;
        } catch (IOException | RuntimeException e) {
          return 0; // the thread ended
        }
      }).sum();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static double jvmCpuS() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime() / 1e9;
  }
}
