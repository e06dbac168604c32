package io.uji.engine.input;

import io.uji.engine.lineage.PartitionRanges;
import io.uji.engine.scheduler.ListenerBus;
import io.uji.streaming.BatchInfo;
import io.uji.streaming.StreamingListener;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How much of each partition's backlog a batch of a replayable input takes: bounded by the
 * source's rate limit and by backpressure ({@link RateEstimator}: no more records than recent
 * batches show the program processes in a batch interval), the budget shared among the
 * partitions by their backlog, as Spark's direct stream does. One per input node; it learns from
 * the batches that complete ({@link #read} says how many records each batch read).
 */
final class RangeBudget {
  /**
   * Records per partition per second that the first batches take before backpressure has
   * measured anything, so that a large backlog does not land in one batch.
   */
  static final long INITIAL_RATE_PER_PARTITION = 10_000;

  private final long intervalMs;
  private final RateEstimator estimator;
  /** Records the input read per batch time, until the batch's completion reaches the estimator. */
  private final Map<Long, Long> readByTime = new ConcurrentHashMap<>();

  RangeBudget(long intervalMs, ListenerBus bus) {
    this.intervalMs = intervalMs;
    this.estimator = new RateEstimator(intervalMs, 100);
    bus.add(new StreamingListener() {
      @Override
      public void onBatchCompleted(BatchInfo b) {
        Long read = readByTime.remove(b.batchTime().milliseconds());
        if (read != null && b.failureReason().isEmpty()) {
          estimator.update(b.batchTime().milliseconds(), read, b.processingDelay(), b.schedulingDelay());
        }
      }
    });
  }

  /** Records that the batch at {@code timeMs} read {@code records} records (for backpressure, once it completes). */
  void read(long timeMs, long records) {
    readByTime.put(timeMs, records);
  }

  /**
   * Decides each partition's range for the next batch.
   *
   * @param backlogs per partition, the next position to take and its end
   * @param maxRatePerPartition the source's limit in records per second, 0 for none
   * @return the ranges, in partition id order, for the partitions with a backlog
   */
  List<PartitionRanges.Range> take(List<Backlog> backlogs, long maxRatePerPartition) {
    double intervalSeconds = intervalMs / 1000.0;
    Map<String, Backlog> byId = new HashMap<>();
    long totalLag = 0;
    for (Backlog b : backlogs) {
      byId.put(b.partition(), b);
      totalLag += b.behind();
    }
    double rate = estimator.rate();
    double budget = rate >= 0 ? rate * intervalSeconds
        : INITIAL_RATE_PER_PARTITION * intervalSeconds * Math.max(1, backlogs.size());
    long perPartitionLimit = maxRatePerPartition > 0
        ? Math.max(1, (long) (maxRatePerPartition * intervalSeconds)) : Long.MAX_VALUE;
    List<PartitionRanges.Range> out = new ArrayList<>();
    for (Backlog b : new TreeMap<>(byId).values()) {
      long behind = b.behind();
      if (behind == 0) {
        continue;
      }
      // Shared by backlog; at least one record, so no partition starves.
      long share = Math.max(1, (long) (budget * behind / totalLag));
      long take = Math.min(behind, Math.min(share, perPartitionLimit));
      out.add(new PartitionRanges.Range(b.partition(), b.from(), b.from() + take));
    }
    return out;
  }

  /**
   * A partition's backlog.
   *
   * @param partition its id
   * @param from the next position to take
   * @param end one past its last readable position
   */
  record Backlog(String partition, long from, long end) {
    long behind() {
      return Math.max(0, end - from);
    }
  }
}
