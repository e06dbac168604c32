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
   * @param backpressure whether the source wants batches bounded by backpressure
   * @param initialRatePerPartition records per partition per second before backpressure's first
   *     estimate (0: no bound)
   * @return the ranges, in partition id order, for the partitions with a backlog
   */
  List<PartitionRanges.Range> take(List<Backlog> backlogs, long maxRatePerPartition, boolean backpressure,
      long initialRatePerPartition) {
    double intervalSeconds = intervalMs / 1000.0;
    Map<String, Backlog> byId = new HashMap<>();
    long totalLag = 0;
    for (Backlog b : backlogs) {
      byId.put(b.partition(), b);
      totalLag += b.behind();
    }
    double budget = batchBudget(backpressure, estimator.rate(), initialRatePerPartition, backlogs.size(),
        intervalSeconds);
    long perPartitionLimit = maxRatePerPartition > 0
        ? Math.max(1, (long) (maxRatePerPartition * intervalSeconds)) : Long.MAX_VALUE;
    List<PartitionRanges.Range> out = new ArrayList<>(backlogs.size());
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
   * How many records the next batch takes from all partitions together, before the per-partition
   * limit: what backpressure estimates the program processes in a batch interval; before its
   * first estimate, the source's initial rate for every partition.
   *
   * @param backpressure whether the source wants batches bounded by backpressure
   * @param estimatedRate the estimated sustainable rate in records per second, or a negative
   *     number before any batch completed
   * @param initialRatePerPartition records per partition per second before an estimate (0: no bound)
   * @param partitions the source's partitions now
   * @param intervalSeconds the batch interval
   * @return the batch's budget in records; {@link Double#POSITIVE_INFINITY} for no bound
   */
  static double batchBudget(boolean backpressure, double estimatedRate, long initialRatePerPartition, int partitions,
      double intervalSeconds) {
    if (!backpressure) {
      return Double.POSITIVE_INFINITY;
    }
    if (estimatedRate >= 0) {
      return estimatedRate * intervalSeconds;
    }
    if (initialRatePerPartition <= 0) {
      return Double.POSITIVE_INFINITY;
    }
    return initialRatePerPartition * intervalSeconds * Math.max(1, partitions);
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
