package io.uji.peers.spark;

import io.uji.peers.common.Options;
import io.uji.peers.common.Proc;
import io.uji.peers.common.Stats;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.Optional;
import org.apache.spark.api.java.function.Function3;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.streaming.Durations;
import org.apache.spark.streaming.State;
import org.apache.spark.streaming.StateSpec;
import org.apache.spark.streaming.api.java.JavaDStream;
import org.apache.spark.streaming.api.java.JavaMapWithStateDStream;
import org.apache.spark.streaming.api.java.JavaStreamingContext;
import org.apache.spark.streaming.scheduler.BatchInfo;
import org.apache.spark.streaming.scheduler.StreamingListener;
import org.apache.spark.streaming.scheduler.StreamingListenerBatchCompleted;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

/**
 * receiver-wal of docs/WORKLOADS.md on Spark Streaming: {@link GenReceiver} stores blocks of
 * 10,000 records through the receiver write-ahead log ({@code MEMORY_AND_DISK_SER}, no
 * replication) at {@code --rate} events/s for {@code --duration-s}, 1 s batches; processing is
 * {@code count} (ingest only) or the session-count job ({@code mapWithState}). Spark's WAL never
 * fsyncs (it flushes to the page cache only): see README.md.
 *
 * <p>Sustained ({@code sustained=yes}): in the window after {@code --warmup-s}, every batch had a
 * scheduling delay under one interval, the window's records are at least 97% of the target rate,
 * and at the stop at most one batch (the running one) was unfinished.
 */
final class ReceiverWal {
  private static final AtomicLong EMITTED = new AtomicLong();

  private ReceiverWal() {}

  private static final class Completed implements StreamingListener {
    final ConcurrentSkipListMap<Long, BatchInfo> byTime = new ConcurrentSkipListMap<>();

    @Override
    public void onBatchCompleted(StreamingListenerBatchCompleted e) {
      byTime.put(e.batchInfo().batchTime().milliseconds(), e.batchInfo());
    }
  }

  /**
   * Runs the workload for its duration and prints its RESULT line.
   *
   * @return 0 (a rate that is not sustained is a result, not a failure)
   * @throws Exception whatever Spark throws
   */
  static int run(Options o) throws Exception {
    final long rate = o.longOpt("rate", 100_000);
    final long durationS = o.longOpt("duration-s", 60);
    final int block = (int) o.longOpt("block", 10_000);
    final long k = o.longOpt("k", 1_000_000L);
    final long intervalMs = o.longOpt("interval-ms", 1000);
    final String processing = o.stringOpt("processing", "mapWithState");
    final String master = o.stringOpt("master", "local[2]");
    final boolean wal = o.boolOpt("wal", true);
    final long warmupS = o.longOpt("warmup-s", 10);
    final long ckptBatches = o.longOpt("ckpt-batches", 5);
    o.rejectUnknown();
    if (!processing.equals("mapWithState") && !processing.equals("count")) {
      throw new IllegalArgumentException("--processing must be mapWithState or count, got " + processing);
    }

    Path ckpt = Proc.freshDir("ckpt-wal-");
    JavaStreamingContext ssc = new JavaStreamingContext(SessionSettings.conf("receiver-wal", master)
        .set("spark.streaming.receiver.writeAheadLog.enable", Boolean.toString(wal)), Durations.milliseconds(intervalMs));
    ssc.checkpoint(ckpt.toString()); // required by the receiver WAL
    JavaDStream<String> input = ssc.receiverStream(new GenReceiver(rate, block, k, StorageLevel.MEMORY_AND_DISK_SER()));
    if (processing.equals("mapWithState")) {
      final LongAccumulator timeouts = ssc.sparkContext().sc().longAccumulator("timeouts");
      Function3<String, Optional<Long>, State<Long>, Tuple2<String, Long>> fn =
          (key, one, state) -> StateCount.countOne(key, one, state, timeouts);
      JavaMapWithStateDStream<String, Long, Long, Tuple2<String, Long>> mapped = input
          .mapToPair(r -> new Tuple2<>(r, 1L))
          .mapWithState(StateSpec.function(fn).timeout(Durations.seconds(60)));
      mapped.checkpoint(Durations.milliseconds(ckptBatches * intervalMs));
      mapped.foreachRDD(rdd -> {
        EMITTED.addAndGet(rdd.count());
      });
    } else {
      input.foreachRDD(rdd -> {
        EMITTED.addAndGet(rdd.count());
      });
    }
    Completed completed = new Completed();
    ssc.addStreamingListener(completed);
    ssc.start();
    long start = System.currentTimeMillis();
    Thread.sleep(durationS * 1000); // the run's length, not a wait for a condition
    List<BatchInfo> infos = new ArrayList<>(completed.byTime.values());
    long lastGenerated = (System.currentTimeMillis() / intervalMs) * intervalMs;
    ssc.stop(true, false);
    double[] mem = Proc.memMb();

    // Window: batches with time in (start + warmup, end]; batches generated but not finished at the end are backlog.
    long winStart = start + warmupS * 1000;
    long records = 0;
    long batchesInWindow = 0;
    long maxSched = 0;
    long lastDoneTime = 0;
    long maxSchedAll = 0;
    long recordsAll = 0;
    long late = 0;
    List<Long> procs = new ArrayList<>();
    for (BatchInfo bi : infos) {
      long t = bi.batchTime().milliseconds();
      lastDoneTime = Math.max(lastDoneTime, t);
      maxSchedAll = Math.max(maxSchedAll, SparkInfo.ms(bi.schedulingDelay()));
      recordsAll += bi.numRecords();
      if (t <= winStart) {
        continue;
      }
      records += bi.numRecords();
      batchesInWindow++;
      maxSched = Math.max(maxSched, SparkInfo.ms(bi.schedulingDelay()));
      if (SparkInfo.ms(bi.schedulingDelay()) >= intervalMs) {
        late++;
      }
      procs.add(SparkInfo.ms(bi.processingDelay()));
    }
    long backlog = Math.max(0, (lastGenerated - lastDoneTime) / intervalMs - 1);
    long[] pr = procs.stream().mapToLong(Long::longValue).sorted().toArray();
    double ingested = batchesInWindow == 0 ? 0 : records / (batchesInWindow * intervalMs / 1000.0);
    // backlog counts the batch still running at the stop as 1, so up to 1 is not a backlog.
    boolean sustained = batchesInWindow > 0 && maxSched < intervalMs && backlog <= 1 && ingested >= 0.97 * rate;
    System.out.printf(Locale.ROOT,
        "RESULT system=%s workload=receiver-wal variant=%s K=%d wal=%s processing=%s master=%s %s target_eps=%d ingested_eps=%.0f"
            + " batches_in_window=%d late_batches_in_window=%d max_sched_delay_ms=%d max_sched_delay_incl_warmup_ms=%d"
            + " median_proc_ms=%.0f p99_proc_ms=%.0f backlog_batches_at_end=%d records_processed_total=%d"
            + " batches_total=%d warmup_s=%d duration_s=%d peak_rss_mb=%.0f sustained=%s%n",
        SparkInfo.system(), processing, k, wal, processing, master, Proc.jvmDesc(), rate, ingested, batchesInWindow, late, maxSched,
        maxSchedAll, Stats.median(pr), Stats.percentile(pr, 0.99), backlog, recordsAll, infos.size(), warmupS,
        durationS, mem[0], sustained ? "yes" : "no");
    Proc.deleteRecursively(ckpt);
    return 0;
  }
}
