package io.uji.examples;

import io.uji.streaming.BatchInfo;
import io.uji.streaming.Pair;
import io.uji.streaming.StreamingListener;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Prints one line of statistics per completed batch and the top users every few batches, and
 * signals when {@code expectedEvents} events have been processed — counted in the job's state,
 * so across restarts too.
 */
final class BatchProgress implements StreamingListener {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

  private final long expectedEvents;
  private final UserCounts counts;
  private final int top;
  private final int topEvery;
  private final PrintStream out;
  private final CountDownLatch done = new CountDownLatch(1);
  private volatile Sessions.Totals totals = Sessions.Totals.ZERO;
  private long batches;

  /**
   * @param expectedEvents records after which the run is complete; 0 for never
   * @param top how many users the periodic top list shows (0: none)
   * @param topEvery print the top list every this many non-empty batches
   */
  BatchProgress(long expectedEvents, UserCounts counts, int top, int topEvery, PrintStream out) {
    this.expectedEvents = expectedEvents;
    this.counts = counts;
    this.top = top;
    this.topEvery = Math.max(1, topEvery);
    this.out = out;
  }

  @Override
  public void onBatchCompleted(BatchInfo b) {
    if (b.failureReason().isPresent()) {
      out.printf("batch %s FAILED: %s%n", TIME.format(Instant.ofEpochMilli(b.batchTime().milliseconds())),
          b.failureReason().get());
      return;
    }
    long processed = totals.processed();
    out.printf("batch %s  records=%d  processing=%d ms  scheduling_delay=%d ms  total_delay=%d ms  processed=%d%s%s%n",
        TIME.format(Instant.ofEpochMilli(b.batchTime().milliseconds())), b.numRecords(), b.processingDelay(),
        b.schedulingDelay(), b.totalDelay(), processed, expectedEvents > 0 ? "/" + expectedEvents : "",
        b.replay() ? "  (replayed after a crash)" : "");
    if (b.numRecords() > 0 && ++batches % topEvery == 0) {
      printTop();
    }
  }

  /** Takes the job's totals after batch {@code t} (called by the job's output, replays included). */
  void totals(Sessions.Totals t, io.uji.streaming.Time time) {
    totals = t;
    if (expectedEvents > 0 && t.processed() >= expectedEvents) {
      done.countDown();
    }
  }

  /** @return the job's totals after the last batch */
  Sessions.Totals totals() {
    return totals;
  }

  void printTop() {
    if (top <= 0) {
      return;
    }
    List<Pair<String, Long>> best = counts.top(top);
    out.println("top " + best.size() + " users: "
        + best.stream().map(kv -> kv.key() + "=" + kv.value()).collect(Collectors.joining(", ")));
  }

  /** @return true once the expected number of records has been processed */
  boolean awaitDone(long timeout, TimeUnit unit) throws InterruptedException {
    return done.await(timeout, unit);
  }
}
