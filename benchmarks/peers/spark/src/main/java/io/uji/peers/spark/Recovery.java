package io.uji.peers.spark;

import io.uji.peers.common.Gen;
import io.uji.peers.common.Options;
import io.uji.peers.common.Proc;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.api.java.Optional;
import org.apache.spark.api.java.function.Function3;
import org.apache.spark.streaming.Durations;
import org.apache.spark.streaming.State;
import org.apache.spark.streaming.StateSpec;
import org.apache.spark.streaming.StreamingContext;
import org.apache.spark.streaming.StreamingContext$;
import org.apache.spark.streaming.api.java.JavaDStream;
import org.apache.spark.streaming.api.java.JavaMapWithStateDStream;
import org.apache.spark.streaming.api.java.JavaStreamingContext;
import org.apache.spark.streaming.scheduler.BatchInfo;
import org.apache.spark.streaming.scheduler.StreamingListener;
import org.apache.spark.streaming.scheduler.StreamingListenerBatchCompleted;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction0;

/**
 * recovery of docs/WORKLOADS.md on Spark Streaming. The parent runs a child JVM (same flags and
 * classpath) that builds the mapWithState session-count job with
 * {@code StreamingContext.getActiveOrCreate(ckptDir, ...)} over the replayable
 * {@link GenInputDStream} (a queueStream cannot be recovered and a generating receiver has no
 * replay position). When the child reports batch {@code --kill-after} (1-based) complete, the
 * parent sends SIGKILL and starts the same command again on the same checkpoint directory.
 *
 * <p>Figures: {@code restart_to_first_batch_s} = from launching the second JVM to the first
 * completed batch it reports; {@code restart_to_context_s} = to getActiveOrCreate returning. The
 * check runs in the restarted JVM's first empty batch after the data: sum = N, users = distinct
 * u(i), and the context must have come from the checkpoint.
 * {@code batches_emitted_twice} counts batches whose output was emitted more than once (Spark's
 * output is at-least-once).
 */
final class Recovery {
  private static final AtomicLong CHECK_SUM = new AtomicLong(-1);
  private static final AtomicLong CHECK_KEYS = new AtomicLong(-1);
  private static final CountDownLatch CHECK_DONE = new CountDownLatch(1);

  private static final Pattern BATCH_LINE = Pattern.compile("^BATCH idx=(-?\\d+) .*proc_ms=(\\d+)");
  private static final Pattern OUT_LINE = Pattern.compile("^OUT idx=(-?\\d+) emitted=(\\d+)");
  private static final Pattern CHECK_LINE =
      Pattern.compile("^CHECK sum=(-?\\d+) keys=(-?\\d+) expected_sum=(\\d+) expected_keys=(\\d+) peak_rss_mb=(\\d+)");

  private Recovery() {}

  /**
   * The parent: runs, kills and restarts the child, prints the RESULT line.
   *
   * @return 0 when the check passed
   * @throws IOException if a child cannot be started
   * @throws InterruptedException if interrupted while waiting for a child
   */
  static int parent(Options o) throws IOException, InterruptedException {
    final SessionSettings s = SessionSettings.from(o);
    final int killAfter = (int) o.longOpt("kill-after", 10);
    final boolean keepCkpt = o.boolOpt("keep-ckpt", false);
    o.rejectUnknown();
    final long n = s.n();
    final long b = s.b();
    final int nb = s.batches();
    final Path ckpt = Proc.freshDir("ckpt-recovery-");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(SparkBench.class.getName());
    cmd.add("recovery-child");
    cmd.addAll(o.asArgs("kill-after", "keep-ckpt", "ckpt-dir"));
    cmd.add("--ckpt-dir");
    cmd.add(ckpt.toString());

    List<Process> children = new CopyOnWriteArrayList<>();
    // A parent stopped early (Ctrl-C, a timeout) must not leave a Spark JVM behind.
    Thread reaper = new Thread(() -> children.forEach(Process::destroyForcibly), "kill-children");
    Runtime.getRuntime().addShutdownHook(reaper);

    // ---- run 1: SIGKILL once batch index killAfter-1 (the killAfter-th batch) has completed ----
    Process p1 = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    children.add(p1);
    Map<Long, Long> emitted = new HashMap<>();
    long emittedTotal = 0;
    int lastIdx1 = -1;
    boolean killed = false;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p1.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = readLineOrNull(r)) != null) {
        System.out.println("[run1] " + line);
        Matcher m = OUT_LINE.matcher(line);
        if (m.find()) {
          emitted.merge(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long::sum);
          emittedTotal += Long.parseLong(m.group(2));
        }
        m = BATCH_LINE.matcher(line);
        if (m.find()) {
          lastIdx1 = Integer.parseInt(m.group(1));
          if (lastIdx1 >= killAfter - 1 && !killed) {
            p1.toHandle().destroyForcibly(); // SIGKILL on Linux; the handle, unlike the Process, leaves our pipe open
            killed = true;
            System.out.printf(Locale.ROOT, "KILL sent SIGKILL to pid %d after batch idx=%d completed%n", p1.pid(), lastIdx1);
          }
        }
      }
    }
    int rc1 = p1.waitFor();
    System.out.printf(Locale.ROOT, "INFO run1 exit code %d (137 = SIGKILL)%n", rc1);
    String head = String.format(Locale.ROOT, "RESULT system=%s workload=recovery variant=mapWithState N=%d K=%d B=%d",
        SparkInfo.system(), n, s.k(), b);
    if (!killed) {
      System.out.println(head + " check=FAILED:run1-ended-before-kill");
      return 1;
    }
    final long emittedRun1 = emittedTotal;

    // ---- run 2: the same command on the same checkpoint directory ----
    long t0 = System.nanoTime();
    Process p2 = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    children.add(p2);
    double firstBatchS = -1;
    double contextReadyS = -1;
    int firstIdx = -1;
    long firstProc = -1;
    long sum = -1;
    long keys = -1;
    long expSum = -1;
    long expKeys = -1;
    long rss2 = -1;
    boolean created = false;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p2.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        System.out.println("[run2] " + line);
        if (line.startsWith("INFO creating a new StreamingContext")) {
          created = true;
        }
        if (line.startsWith("CONTEXT_READY") && contextReadyS < 0) {
          contextReadyS = (System.nanoTime() - t0) / 1e9;
        }
        Matcher m = BATCH_LINE.matcher(line);
        if (m.find() && firstBatchS < 0) {
          firstBatchS = (System.nanoTime() - t0) / 1e9;
          firstIdx = Integer.parseInt(m.group(1));
          firstProc = Long.parseLong(m.group(2));
        }
        m = OUT_LINE.matcher(line);
        if (m.find()) {
          emitted.merge(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long::sum);
          emittedTotal += Long.parseLong(m.group(2));
        }
        m = CHECK_LINE.matcher(line);
        if (m.find()) {
          sum = Long.parseLong(m.group(1));
          keys = Long.parseLong(m.group(2));
          expSum = Long.parseLong(m.group(3));
          expKeys = Long.parseLong(m.group(4));
          rss2 = Long.parseLong(m.group(5));
        }
      }
    }
    int rc2 = p2.waitFor();
    Runtime.getRuntime().removeShutdownHook(reaper);
    long reEmittedBatches = emitted.entrySet().stream()
        .filter(e -> e.getKey() < nb && e.getValue() > Math.min(b, n - e.getKey() * b)).count();

    StringBuilder fail = new StringBuilder();
    if (sum != expSum || expSum < 0) {
      fail.append("sum=").append(sum).append(';');
    }
    if (keys != expKeys || expKeys < 0) {
      fail.append("keys=").append(keys).append(';');
    }
    if (created) {
      fail.append("new_context_created;");
    }
    if (rc2 != 0) {
      fail.append("run2_exit=").append(rc2).append(';');
    }
    String check = fail.length() == 0 ? "ok" : "FAILED:" + fail;
    System.out.printf(Locale.ROOT,
        "%s check=%s restart_to_first_batch_s=%.2f restart_to_context_s=%.2f %s kill_after_batch=%d run1_last_idx=%d"
            + " first_batch_idx=%d first_batch_proc_ms=%d sum=%d keys=%d expected_sum=%d expected_keys=%d"
            + " emitted_records_total=%d emitted_records_run1=%d batches_emitted_twice=%d run2_peak_rss_mb=%d"
            + " new_context_created=%s%n",
        head, check, firstBatchS, contextReadyS, Proc.jvmDesc(), killAfter, lastIdx1, firstIdx, firstProc, sum, keys,
        expSum, expKeys, emittedTotal, emittedRun1, reEmittedBatches, rss2, created);
    if (!keepCkpt) {
      Proc.deleteRecursively(ckpt);
    }
    return fail.length() == 0 ? 0 : 1;
  }

  /** A read from a child killed mid-line may fail instead of returning end of stream. */
  private static String readLineOrNull(BufferedReader r) {
    try {
      return r.readLine();
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * The child: getActiveOrCreate on the given checkpoint directory; prints CONTEXT_READY, a BATCH
   * line per completed batch, an OUT line per batch output, and after the data the CHECK line.
   *
   * @return 0 when the check line was printed, 1 on timeout
   * @throws InterruptedException if interrupted while waiting for the check
   */
  static int child(Options o) throws InterruptedException {
    final SessionSettings s = SessionSettings.from(o);
    final String ckpt = o.stringOpt("ckpt-dir", null);
    o.rejectUnknown();
    if (ckpt == null) {
      throw new IllegalArgumentException("recovery-child needs --ckpt-dir");
    }
    final long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    final long intervalMs = s.intervalMs();

    AbstractFunction0<StreamingContext> create = new AbstractFunction0<>() {
      @Override
      public StreamingContext apply() {
        System.out.println("INFO creating a new StreamingContext (no usable checkpoint)");
        return buildContext(ckpt, s);
      }
    };
    StreamingContext sc = StreamingContext$.MODULE$.getActiveOrCreate(ckpt, create,
        StreamingContext$.MODULE$.getActiveOrCreate$default$3(), false);
    sc.sparkContext().setLogLevel("WARN");
    System.out.printf(Locale.ROOT, "CONTEXT_READY ms_since_jvm_start=%d%n", System.currentTimeMillis() - jvmStart);
    sc.addStreamingListener(new StreamingListener() {
      @Override
      public void onBatchCompleted(StreamingListenerBatchCompleted e) {
        BatchInfo bi = e.batchInfo();
        long idx = (bi.batchTime().milliseconds() - GenInputDStream.FIRST_TIME_MS.get()) / intervalMs;
        System.out.printf(Locale.ROOT, "BATCH idx=%d time=%d proc_ms=%d sched_ms=%d ms_since_jvm_start=%d%n", idx,
            bi.batchTime().milliseconds(), SparkInfo.ms(bi.processingDelay()), SparkInfo.ms(bi.schedulingDelay()),
            System.currentTimeMillis() - jvmStart);
        System.out.flush();
      }
    });
    sc.start();
    System.out.printf(Locale.ROOT, "STARTED ms_since_jvm_start=%d%n", System.currentTimeMillis() - jvmStart);
    System.out.flush();
    if (!CHECK_DONE.await(s.maxWaitS(), TimeUnit.SECONDS)) {
      System.out.println("INFO no check after " + s.maxWaitS() + " s");
      sc.stop(true, false);
      return 1;
    }
    double[] mem = Proc.memMb();
    System.out.printf(Locale.ROOT, "CHECK sum=%d keys=%d expected_sum=%d expected_keys=%d peak_rss_mb=%.0f%n",
        CHECK_SUM.get(), CHECK_KEYS.get(), s.n(), Gen.distinctUsers(s.n(), s.k()), mem[0]);
    System.out.flush();
    sc.stop(true, false);
    return 0;
  }

  /** Builds the job; static, so that the closures capture only plain values. */
  private static StreamingContext buildContext(String ckpt, SessionSettings s) {
    final long intervalMs = s.intervalMs();
    final int nb = s.batches();
    JavaStreamingContext ssc = new JavaStreamingContext(SessionSettings.conf("recovery", s.master()),
        Durations.milliseconds(intervalMs));
    ssc.checkpoint(ckpt);
    JavaDStream<String> input = new JavaDStream<>(new GenInputDStream(ssc.ssc(), s.n(), s.k(), s.b(), s.parts()),
        ClassTag$.MODULE$.apply(String.class));
    final LongAccumulator timeouts = ssc.sparkContext().sc().longAccumulator("timeouts");
    Function3<String, Optional<Long>, State<Long>, Tuple2<String, Long>> fn =
        (key, one, state) -> StateCount.countOne(key, one, state, timeouts);
    JavaMapWithStateDStream<String, Long, Long, Tuple2<String, Long>> mapped = input
        .mapToPair(r -> new Tuple2<>(r, 1L))
        .mapWithState(StateSpec.function(fn).timeout(Durations.seconds(s.timeoutS())));
    mapped.checkpoint(Durations.milliseconds(s.ckptBatches() * intervalMs));
    mapped.foreachRDD((rdd, time) -> {
      long c = rdd.count();
      long idx = (time.milliseconds() - GenInputDStream.FIRST_TIME_MS.get()) / intervalMs;
      System.out.printf(Locale.ROOT, "OUT idx=%d emitted=%d%n", idx, c);
      System.out.flush();
    });
    mapped.stateSnapshots().foreachRDD((rdd, time) -> {
      long idx = (time.milliseconds() - GenInputDStream.FIRST_TIME_MS.get()) / intervalMs;
      if (idx == nb && CHECK_DONE.getCount() > 0) {
        long[] r = StateCount.sumAndKeys(rdd);
        CHECK_SUM.set(r[0]);
        CHECK_KEYS.set(r[1]);
        CHECK_DONE.countDown();
      }
    });
    return ssc.ssc();
  }
}
