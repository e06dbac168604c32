package io.uji.bench;

import io.uji.streaming.BatchInfo;
import io.uji.streaming.StreamingListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the {@link BatchInfo} of every completed batch that carried records, in completion
 * (= time) order, and signals once {@code expectedRecords} records went through, or a batch failed.
 */
final class BatchCollector implements StreamingListener {
  private final long expectedRecords;
  private final boolean verbose;
  private final List<BatchInfo> dataBatches = new ArrayList<>();
  private final CountDownLatch done = new CountDownLatch(1);
  private long records;
  private volatile String failure;

  BatchCollector(long expectedRecords, boolean verbose) {
    this.expectedRecords = expectedRecords;
    this.verbose = verbose;
  }

  @Override
  public void onBatchCompleted(BatchInfo b) {
    if (done.getCount() == 0) {
      return; // after the run: e.g. the empty batch that stop() interrupts
    }
    if (b.failureReason().isPresent()) {
      failure = b.failureReason().get();
      done.countDown();
      return;
    }
    if (b.numRecords() == 0) {
      return;
    }
    synchronized (this) {
      dataBatches.add(b);
      records += b.numRecords();
    }
    if (verbose) {
      // cpu_ms: the whole process's CPU time so far (user + system, every thread, RocksDB's
      // included): on a shared machine the difference between two batches says more than proc_ms.
      System.out.printf("BATCH %d time=%d records=%d proc_ms=%d sched_ms=%d uptime_ms=%d cpu_ms=%d%n", dataBatches.size() - 1,
          b.batchTime().milliseconds(), b.numRecords(), b.processingDelay(), b.schedulingDelay(),
          java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime(), processCpuMs());
    }
    if (records >= expectedRecords) {
      done.countDown();
    }
  }

  private static long processCpuMs() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime() / 1_000_000;
    }
    return -1;
  }

  boolean await(long seconds) throws InterruptedException {
    return done.await(seconds, TimeUnit.SECONDS);
  }

  /** @return the failure reason of a failed batch, or null */
  String failure() {
    return failure;
  }

  synchronized List<BatchInfo> dataBatches() {
    return new ArrayList<>(dataBatches);
  }

  synchronized long records() {
    return records;
  }
}
