package io.uji.peers.spark;

import io.uji.peers.common.Gen;
import io.uji.peers.common.Options;
import io.uji.peers.common.Proc;
import io.uji.peers.common.Stats;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedList;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.Optional;
import org.apache.spark.api.java.function.Function3;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.streaming.Durations;
import org.apache.spark.streaming.State;
import org.apache.spark.streaming.StateSpec;
import org.apache.spark.streaming.api.java.JavaDStream;
import org.apache.spark.streaming.api.java.JavaMapWithStateDStream;
import org.apache.spark.streaming.api.java.JavaPairDStream;
import org.apache.spark.streaming.api.java.JavaStreamingContext;
import org.apache.spark.streaming.scheduler.BatchInfo;
import org.apache.spark.streaming.scheduler.StreamingListener;
import org.apache.spark.streaming.scheduler.StreamingListenerBatchCompleted;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;
import scala.reflect.ClassTag$;

/**
 * session-count of docs/WORKLOADS.md on Spark Streaming: a running count per user with
 * {@code mapWithState} (60 s idle timeout) or {@code updateStateByKey}, metadata checkpoint every
 * batch and the state checkpointed every 5 batches.
 *
 * <p>Input: {@code --source queue} (default) is a {@code queueStream} of pre-generated, cached RDDs
 * (generation is outside the measured time); {@code --source gen} generates each batch inside its
 * tasks ({@link GenInputDStream}), as Uji's generator does. The check runs in the first empty
 * batch after the data, so no measured batch includes it: the sum of the counts is N, the number
 * of users is the number of distinct u(i), no key timed out, and (mapWithState) N records were
 * emitted.
 *
 * <p>Figures: {@code throughput_all_eps} = N / sum of all batches' processing times (the workload's
 * throughput, what bench/summarize.py compares); {@code throughput_eps} = (N - B) / sum of batches
 * 2..last (first batch left out); median and nearest-rank p99 over batches 2..last;
 * {@code peak_rss_mb} = VmHWM after {@code ssc.stop()}.
 */
final class SessionCount {
  // Driver-side bookkeeping, written by output operations (which run on the driver).
  private static final AtomicLong BATCHES_SEEN = new AtomicLong();
  private static final AtomicLong EMITTED = new AtomicLong();
  private static final AtomicLong CHECK_SUM = new AtomicLong(-1);
  private static final AtomicLong CHECK_KEYS = new AtomicLong(-1);
  private static final CountDownLatch CHECK_DONE = new CountDownLatch(1);

  private SessionCount() {}

  /** Collects the BatchInfo of completed batches by batch time, and counts them down. */
  private static final class Completed implements StreamingListener {
    final ConcurrentSkipListMap<Long, BatchInfo> byTime = new ConcurrentSkipListMap<>();
    final CountDownLatch dataBatches;

    Completed(int batches) {
      dataBatches = new CountDownLatch(batches);
    }

    @Override
    public void onBatchCompleted(StreamingListenerBatchCompleted e) {
      BatchInfo bi = e.batchInfo();
      byTime.put(bi.batchTime().milliseconds(), bi);
      dataBatches.countDown();
    }
  }

  /**
   * Runs the workload and prints its RESULT line.
   *
   * @return 0 when the check passed
   * @throws Exception whatever Spark throws
   */
  static int run(Options o) throws Exception {
    final SessionSettings s = SessionSettings.from(o);
    final String variant = o.stringOpt("variant", "mapWithState");
    final String source = o.stringOpt("source", "queue");
    final boolean pregen = o.boolOpt("pregen", true);
    final boolean metaCheckpoint = o.boolOpt("meta-checkpoint", true);
    final String ckptOpt = o.stringOpt("ckpt-dir", null);
    final boolean keepCkpt = o.boolOpt("keep-ckpt", false);
    o.rejectUnknown();
    if (!variant.equals("mapWithState") && !variant.equals("update")) {
      throw new IllegalArgumentException("--variant must be mapWithState or update, got " + variant);
    }
    if (!source.equals("queue") && !source.equals("gen")) {
      throw new IllegalArgumentException("--source must be queue or gen, got " + source);
    }
    final long n = s.n();
    final long b = s.b();
    final int nb = s.batches();

    long t0 = System.nanoTime();
    final long expectedKeys = Gen.distinctUsers(n, s.k());
    System.out.printf(Locale.ROOT, "INFO expected distinct users=%d (computed in %.1f s)%n", expectedKeys,
        (System.nanoTime() - t0) / 1e9);

    final Path ckpt = ckptOpt != null ? Path.of(ckptOpt) : Proc.freshDir("ckpt-session-");
    JavaStreamingContext ssc = new JavaStreamingContext(SessionSettings.conf("session-count-" + variant, s.master()),
        Durations.milliseconds(s.intervalMs()));
    JavaSparkContext jsc = ssc.sparkContext();
    if (metaCheckpoint) {
      ssc.checkpoint(ckpt.toString()); // metadata checkpoint every batch + the RDD checkpoint directory
    } else {
      jsc.setCheckpointDir(ckpt.toString()); // RDD (state) checkpoints only
    }

    JavaDStream<String> input;
    if (source.equals("queue")) {
      Queue<JavaRDD<String>> q = new LinkedList<>();
      t0 = System.nanoTime();
      for (int i = 0; i < nb; i++) {
        JavaRDD<String> rdd = GenInputDStream.rangeRdd(jsc, i * b, Math.min(n, (i + 1) * b), s.k(), s.parts());
        if (pregen) {
          rdd.persist(StorageLevel.MEMORY_ONLY());
          rdd.count();
        }
        q.add(rdd);
      }
      System.out.printf(Locale.ROOT, "INFO input: queueStream(oneAtATime=true) with %d RDDs, pregenerated+cached=%s (%.1f s)%n",
          nb, pregen, (System.nanoTime() - t0) / 1e9);
      input = ssc.queueStream(q, true);
    } else {
      input = new JavaDStream<>(new GenInputDStream(ssc.ssc(), n, s.k(), b, s.parts()), ClassTag$.MODULE$.apply(String.class));
      System.out.println("INFO input: GenInputDStream (records generated inside each batch's tasks)");
    }

    JavaPairDStream<String, Long> pairs = input.mapToPair(r -> new Tuple2<>(r, 1L));
    final LongAccumulator timeouts = jsc.sc().longAccumulator("timeouts");
    JavaPairDStream<String, Long> stateStream;
    if (variant.equals("mapWithState")) {
      Function3<String, Optional<Long>, State<Long>, Tuple2<String, Long>> fn =
          (key, one, state) -> StateCount.countOne(key, one, state, timeouts);
      JavaMapWithStateDStream<String, Long, Long, Tuple2<String, Long>> mapped =
          pairs.mapWithState(StateSpec.function(fn).timeout(Durations.seconds(s.timeoutS())));
      mapped.checkpoint(Durations.milliseconds(s.ckptBatches() * s.intervalMs()));
      mapped.foreachRDD((rdd, time) -> {
        EMITTED.addAndGet(rdd.count());
        BATCHES_SEEN.incrementAndGet();
      });
      stateStream = mapped.stateSnapshots();
    } else {
      JavaPairDStream<String, Long> st = pairs.updateStateByKey(StateCount::addAll);
      st.checkpoint(Durations.milliseconds(s.ckptBatches() * s.intervalMs()));
      st.foreachRDD((rdd, time) -> {
        rdd.count();
        BATCHES_SEEN.incrementAndGet();
      });
      stateStream = st;
    }
    // The check runs in the first batch after the data (an empty one), so no measured batch includes it.
    stateStream.foreachRDD((rdd, time) -> {
      if (BATCHES_SEEN.get() == nb + 1 && CHECK_DONE.getCount() > 0) {
        long[] r = StateCount.sumAndKeys(rdd);
        CHECK_SUM.set(r[0]);
        CHECK_KEYS.set(r[1]);
        CHECK_DONE.countDown();
      }
    });

    Completed completed = new Completed(nb);
    ssc.addStreamingListener(completed);
    long gc0 = Proc.gcMillis();
    long wall0 = System.nanoTime();
    ssc.start();
    boolean finished = CHECK_DONE.await(s.maxWaitS(), TimeUnit.SECONDS);
    double wallS = (System.nanoTime() - wall0) / 1e9;
    long gc = Proc.gcMillis() - gc0;
    // The listener bus may deliver the last data batch's completion after the check batch ran.
    completed.dataBatches.await(5, TimeUnit.SECONDS);
    List<BatchInfo> infos = new ArrayList<>(completed.byTime.values());
    ssc.stop(true, false);
    double[] mem = Proc.memMb();

    String head = String.format(Locale.ROOT, "RESULT system=%s workload=session-count variant=%s N=%d K=%d B=%d",
        SparkInfo.system(), variant, n, s.k(), b);
    if (!finished || infos.size() < nb) {
      System.out.println(head + " check=FAILED:" + (finished ? "missing-batch-infos" : "timeout-after-" + s.maxWaitS() + "s"));
      return 1;
    }
    long[] proc = new long[nb];
    long maxSched = 0;
    for (int i = 0; i < nb; i++) {
      BatchInfo bi = infos.get(i);
      proc[i] = SparkInfo.ms(bi.processingDelay());
      maxSched = Math.max(maxSched, SparkInfo.ms(bi.schedulingDelay()));
      System.out.printf(Locale.ROOT, "BATCH %d time=%d proc_ms=%d sched_ms=%d%n", i, bi.batchTime().milliseconds(),
          proc[i], SparkInfo.ms(bi.schedulingDelay()));
    }
    long first = proc[0];
    long[] rest = Arrays.copyOfRange(proc, 1, nb);
    long sumRest = Arrays.stream(rest).sum();
    long sumAll = sumRest + first;
    Arrays.sort(rest);
    double thr = (n - Math.min(n, b)) / (sumRest / 1000.0);
    double thrAll = n / (sumAll / 1000.0);

    StringBuilder fail = new StringBuilder();
    if (CHECK_SUM.get() != n) {
      fail.append("sum=").append(CHECK_SUM.get()).append(';');
    }
    if (CHECK_KEYS.get() != expectedKeys) {
      fail.append("keys=").append(CHECK_KEYS.get()).append(';');
    }
    if (timeouts.value() != 0) {
      fail.append("timeouts=").append(timeouts.value()).append(';');
    }
    if (variant.equals("mapWithState") && EMITTED.get() != n) {
      fail.append("emitted=").append(EMITTED.get()).append(';');
    }
    String check = fail.length() == 0 ? "ok" : "FAILED:" + fail;
    System.out.printf(Locale.ROOT,
        "%s throughput_eps=%.0f median_batch_ms=%.0f p99_batch_ms=%.0f first_batch_ms=%d peak_rss_mb=%.0f check=%s"
            + " source=%s interval_ms=%d %s throughput_all_eps=%.0f sum_batch_ms=%d max_sched_delay_ms=%d wall_s=%.1f"
            + " gc_ms=%d sum=%d keys=%d expected_keys=%d timeouts=%d%n",
        head, thr, Stats.median(rest), Stats.percentile(rest, 0.99), first, mem[0], check,
        source + (source.equals("queue") ? (pregen ? "-cached" : "-lazy") : ""), s.intervalMs(), Proc.jvmDesc(), thrAll,
        sumAll, maxSched, wallS, gc, CHECK_SUM.get(), CHECK_KEYS.get(), expectedKeys, timeouts.value());
    if (!keepCkpt) {
      Proc.deleteRecursively(ckpt);
    }
    return fail.length() == 0 ? 0 : 1;
  }
}
