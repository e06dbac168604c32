package io.uji.bench;

import io.uji.streaming.BatchInfo;
import io.uji.streaming.Durations;
import io.uji.streaming.GeneratorSpec;
import io.uji.streaming.KeyedState;
import io.uji.streaming.MapWithStateDStream;
import io.uji.streaming.Pair;
import io.uji.streaming.StateSpec;
import io.uji.streaming.StreamingConfig;
import io.uji.streaming.StreamingContext;
import io.uji.streaming.StreamingListener;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * {@code recovery} of docs/WORKLOADS.md: session-count (mapWithState, fault tolerance on, state
 * checkpointed every 5 batches) in a child JVM, killed with SIGKILL right after its
 * {@code --kill-after}-th batch completes, then the same command started again on the same
 * checkpoint directory ({@code getActiveOrCreate}).
 *
 * <p>The idle timeout is session-count's: 1 h above 10 M users (with 60 s the states of 20 M
 * users expired between their visits and the job failed: its function updates a timing-out state).
 *
 * <p>The child prints a {@code BATCH} line per completed batch (the parent watches for them),
 * {@code CONTEXT_READY} when getActiveOrCreate returned, {@code STARTED} when {@code start()}
 * (which restores the state) returned, and at the end a {@code CHECK} line. Figures of the
 * restarted JVM, measured by the parent from the moment it starts the process:
 * {@code recovery_s} = to its first completed batch (the replay of the first batch after the
 * checkpoint); {@code restart_to_started_s} = to {@code start()} returning.
 *
 * <p>Check (exact state): the job reads {@code stateSnapshots()} after every batch (as Spark's
 * peer does; Uji's snapshots are materialized, so this costs a pass over the keys each batch and
 * is inside the batch times); once the counts add up to N, every user's count is compared with
 * a direct count of the generator's events: sum = N, users = distinct users, no user off.
 * With {@code --recovery-check end} the snapshots are not read; once the generator is exhausted
 * (a completed batch without records after batches with records) every user's count is read
 * once with the operator's {@code KeyedState#get} and compared: batch times without a pass over
 * the keys, and a check that holds a byte a user, which a state of 20 M keys in a 1 GB heap needs.
 */
final class RecoveryWorkload {
  private static final Pattern BATCH = Pattern.compile("^BATCH n=(\\d+) time=(\\d+) records=(\\d+) proc_ms=(-?\\d+)");
  private static final Pattern CHECK = Pattern.compile("^CHECK sum=(-?\\d+) keys=(-?\\d+) wrong_users=(-?\\d+) "
      + "expected_sum=(\\d+) expected_keys=(\\d+) peak_rss_mb=(\\d+)");

  private RecoveryWorkload() {}

  // ------------------------------------------------------------------------------------------
  // child
  // ------------------------------------------------------------------------------------------

  /** The child JVM: getActiveOrCreate on {@code dir}, run until the state holds all N events. */
  static int child(Bench o, Path dir) throws InterruptedException {
    final long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    final long n = o.n != null ? o.n : 10_000_000L;
    final long k = o.k != null ? o.k : 1_000_000L;
    final long b = o.b != null ? o.b : 500_000L;
    final StreamingConfig config = o.config();
    final boolean hadCheckpoint = Files.isDirectory(dir.resolve("checkpoints"));
    final CountDownLatch done = new CountDownLatch(1);
    final boolean checkAtEnd = switch (o.recoveryCheck) {
      case "every" -> false;
      case "end" -> true;
      default -> throw new IllegalArgumentException("--recovery-check must be every or end, got " + o.recoveryCheck);
    };
    final CountDownLatch exhausted = new CountDownLatch(1);
    final java.util.concurrent.atomic.AtomicBoolean sawRecords = new java.util.concurrent.atomic.AtomicBoolean();
    final AtomicLong[] result = {new AtomicLong(-1), new AtomicLong(-1), new AtomicLong(-1)};

    StreamingContext ssc = StreamingContext.getActiveOrCreate(dir.toString(), () -> {
      StreamingContext c = new StreamingContext(config, Durations.milliseconds(o.intervalMs));
      c.checkpoint(dir.toString());
      StateSpec<String, Long, Long, Pair<String, Long>> spec = StateSpec.<String, Long, Long, Pair<String, Long>>function(
          (user, one, state) -> {
            long cnt = state.exists() ? state.get() + one.orElse(1L) : one.orElse(1L);
            state.update(cnt);
            return Pair.of(user, cnt);
          });
      spec.timeout(Durations.seconds(SessionCountWorkload.idleTimeoutS(k))).types(String.class, Long.class).name("session-count");
      MapWithStateDStream<String, Long, Long, Pair<String, Long>> mapped = c
          .generatorStream(new GeneratorSpec<>(i -> Gen.record(i, k), 0, b, n))
          .mapToPair(u -> Pair.of(u, 1L))
          .mapWithState(spec);
      mapped.checkpoint(Durations.milliseconds(o.intervalMs * o.checkpointEvery));
      mapped.foreachBatch((d, t) -> {
        System.out.printf(Locale.ROOT, "OUT time=%d emitted=%d%n", t.milliseconds(), d.count());
      });
      if (!checkAtEnd) {
        mapped.stateSnapshots().foreachBatch(d -> {
          if (done.getCount() == 0) {
            return;
          }
          LongAdder sum = new LongAdder();
          d.runPartitions(p -> {
            long s = 0;
            for (Pair<String, Long> kv : d.partition(p)) {
              s += kv.value();
            }
            sum.add(s);
          });
          if (sum.sum() != n) {
            return;
          }
          compare(d.partitions().stream().flatMap(List::stream), n, k, result);
          done.countDown();
        });
      }
      return c;
    });
    System.out.printf(Locale.ROOT, "CONTEXT_READY ms_since_jvm_start=%d had_checkpoint=%s%n",
        System.currentTimeMillis() - jvmStart, hadCheckpoint);
    AtomicLong completed = new AtomicLong();
    ssc.addStreamingListener(new StreamingListener() {
      @Override
      public void onBatchCompleted(BatchInfo bi) {
        if (bi.failureReason().isEmpty()) {
          if (bi.numRecords() > 0) {
            sawRecords.set(true);
          } else if (sawRecords.get()) {
            exhausted.countDown(); // the generator's events are all in the state
          }
        }
        if (bi.failureReason().isEmpty() ? bi.numRecords() == 0 : done.getCount() == 0) {
          return; // empty, or the batch that stop() interrupts after the check
        }
        long n = completed.incrementAndGet();
        System.out.printf(Locale.ROOT, "BATCH n=%d time=%d records=%d proc_ms=%d sched_ms=%d ms_since_jvm_start=%d%s%n",
            n, bi.batchTime().milliseconds(), bi.numRecords(), bi.processingDelay(),
            bi.schedulingDelay(), System.currentTimeMillis() - jvmStart,
            bi.failureReason().map(r -> " failed=" + r.replace(' ', '_')).orElse(""));
        if (n <= 2) {
          System.out.printf(Locale.ROOT, "CPU at=batch%d %s%n", n, ThreadCpu.byKind());
        }
        System.out.flush();
      }
    });
    System.out.printf(Locale.ROOT, "CPU at=context %s%n", ThreadCpu.byKind());
    ssc.start();
    System.out.printf(Locale.ROOT, "STARTED ms_since_jvm_start=%d%n", System.currentTimeMillis() - jvmStart);
    System.out.printf(Locale.ROOT, "CPU at=started %s%n", ThreadCpu.byKind());
    System.out.flush();
    if (checkAtEnd && exhausted.await(o.maxWaitS, TimeUnit.SECONDS)) {
      long checkStart = System.nanoTime();
      compareByLookups(ssc.keyedState("session-count", String.class, Long.class), n, k, result);
      System.out.printf(Locale.ROOT, "CHECK_TIME ms=%d%n", (System.nanoTime() - checkStart) / 1_000_000);
      done.countDown();
    }
    boolean finished = done.await(o.maxWaitS, TimeUnit.SECONDS);
    System.out.printf(Locale.ROOT, "CHECK sum=%d keys=%d wrong_users=%d expected_sum=%d expected_keys=%d peak_rss_mb=%.0f%s%n",
        result[0].get(), result[1].get(), result[2].get(), n, Gen.distinctUsers(n, k), Stats.peakRssMb(),
        finished ? "" : " timeout");
    System.out.flush();
    ssc.stop(false);
    return finished ? 0 : 1;
  }

  /**
   * Compares the state with a direct count of the generator's events.
   *
   * @param result set to {sum of the counts, keys, users whose count is off or missing}
   */
  private static void compare(java.util.stream.Stream<Pair<String, Long>> state, long n, long k, AtomicLong[] result) {
    ExpectedCounts expected = ExpectedCounts.of(n, k);
    java.util.BitSet seen = new java.util.BitSet(Math.toIntExact(k));
    long[] sumKeysWrong = new long[3];
    state.forEachOrdered(kv -> {
      int u = Integer.parseInt(kv.key().substring("user-".length()));
      sumKeysWrong[0] += kv.value();
      sumKeysWrong[1]++;
      if (expected.count(u) != kv.value()) {
        sumKeysWrong[2]++;
      }
      seen.set(u);
    });
    for (int u = 0; u < k; u++) {
      if (!seen.get(u) && expected.count(u) > 0) {
        sumKeysWrong[2]++; // a user with events but no state
      }
    }
    for (int i = 0; i < 3; i++) {
      result[i].set(sumKeysWrong[i]);
    }
  }

  /**
   * The end check: reads every user's count with {@link KeyedState#get} and compares it with a
   * direct count of the generator's events. Unlike a scan, which copies the state's cache (a
   * quarter of 20 M users, with a set of their keys) beside the running context's own, this
   * holds nothing but the expected counts (a byte a user), so it runs inside the 1 GB heap of
   * session-count-large. It runs after the figures (the recovery's first batch) are taken.
   * Keys that are no generator user (none can be: the job writes only those) are not looked for.
   *
   * @param result set to {sum of the counts, keys, users whose count is off or missing}
   */
  private static void compareByLookups(KeyedState<String, Long> state, long n, long k, AtomicLong[] result) {
    ExpectedCounts expected = ExpectedCounts.of(n, k);
    LongAdder sum = new LongAdder();
    LongAdder keys = new LongAdder();
    LongAdder wrong = new LongAdder();
    IntStream.range(0, Math.toIntExact(k)).parallel().forEach(u -> {
      Optional<Long> count = state.get("user-" + u);
      int e = expected.count(u);
      if (count.isPresent()) {
        sum.add(count.get());
        keys.increment();
        if (count.get() != e) {
          wrong.increment();
        }
      } else if (e != 0) {
        wrong.increment(); // a user with events but no state
      }
    });
    result[0].set(sum.sum());
    result[1].set(keys.sum());
    result[2].set(wrong.sum());
  }

  // ------------------------------------------------------------------------------------------
  // parent
  // ------------------------------------------------------------------------------------------

  /** The parent: run the child, SIGKILL it after batch {@code killAfter}, restart it, time the recovery. */
  static int parent(Bench o, String[] childArgs, int killAfter) throws IOException, InterruptedException {
    final long n = o.n != null ? o.n : 10_000_000L;
    final long k = o.k != null ? o.k : 1_000_000L;
    final long b = o.b != null ? o.b : 500_000L;
    Path dir = o.checkpointDir != null ? Path.of(o.checkpointDir) : Files.createTempDirectory("uji-bench-recovery-");
    try {
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
      cmd.add(Bench.class.getName());
      cmd.add("recovery-child");
      cmd.addAll(List.of(childArgs));
      cmd.add("--checkpoint-dir");
      cmd.add(dir.toString());

      // run 1: SIGKILL right after the killAfter-th batch with records completes
      Process p1 = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      int lastRun1 = 0;
      boolean killed = false;
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p1.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = readLine(r)) != null) {
          System.out.println("[run1] " + line);
          Matcher m = BATCH.matcher(line);
          if (m.find()) {
            lastRun1 = Integer.parseInt(m.group(1));
            if (lastRun1 >= killAfter && !killed) {
              p1.destroyForcibly(); // SIGKILL on Linux
              killed = true;
              System.out.printf(Locale.ROOT, "KILL sent SIGKILL to pid %d after batch %d completed%n", p1.pid(), lastRun1);
            }
          }
        }
      }
      int rc1 = p1.waitFor();
      System.out.printf(Locale.ROOT, "INFO run1 exit code %d (137 = SIGKILL)%n", rc1);
      String head = String.format(Locale.ROOT, "RESULT system=uji workload=recovery variant=mapWithState N=%d K=%d B=%d", n, k, b);
      if (!killed) {
        System.out.println(head + " check=FAILED:run1-ended-before-kill");
        return 1;
      }

      // run 2: the same command on the same directory (plus RESTART_JVM_FLAGS: a profile or a GC
      // log of the restarted JVM alone, which flags given to every JVM would overwrite at the parent's exit)
      List<String> cmd2 = new ArrayList<>(cmd);
      String restartFlags = System.getenv("RESTART_JVM_FLAGS");
      if (restartFlags != null && !restartFlags.isBlank()) {
        cmd2.addAll(1, List.of(restartFlags.trim().split("\\s+")));
      }
      long t0 = System.nanoTime();
      Process p2 = new ProcessBuilder(cmd2).redirectErrorStream(true).start();
      double firstBatchS = -1;
      double contextS = -1;
      double startedS = -1;
      long firstProc = -1;
      long firstRecords = -1;
      long childFirstBatchMs = -1;
      long childStartedMs = -1;
      long batches2 = 0;
      long sum = -1;
      long keys = -1;
      long wrong = -1;
      long expSum = -1;
      long expKeys = -1;
      long rss2 = -1;
      boolean hadCheckpoint = false;
      List<Long> procs = new ArrayList<>();
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p2.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          double since = (System.nanoTime() - t0) / 1e9;
          System.out.println("[run2] " + line);
          if (line.startsWith("CONTEXT_READY") && contextS < 0) {
            contextS = since;
            hadCheckpoint = line.contains("had_checkpoint=true");
          }
          if (line.startsWith("STARTED") && startedS < 0) {
            startedS = since;
            childStartedMs = msSinceJvmStart(line);
          }
          Matcher m = BATCH.matcher(line);
          if (m.find()) {
            batches2++;
            procs.add(Long.parseLong(m.group(4)));
            if (firstBatchS < 0) {
              firstBatchS = since;
              firstRecords = Long.parseLong(m.group(3));
              firstProc = Long.parseLong(m.group(4));
              childFirstBatchMs = msSinceJvmStart(line);
            }
          }
          m = CHECK.matcher(line);
          if (m.find()) {
            sum = Long.parseLong(m.group(1));
            keys = Long.parseLong(m.group(2));
            wrong = Long.parseLong(m.group(3));
            expSum = Long.parseLong(m.group(4));
            expKeys = Long.parseLong(m.group(5));
            rss2 = Long.parseLong(m.group(6));
          }
        }
      }
      int rc2 = p2.waitFor();
      String check;
      if (rc2 != 0) {
        check = "FAILED:run2-exit-" + rc2;
      } else if (!hadCheckpoint) {
        check = "FAILED:no-checkpoint-at-restart";
      } else if (sum != expSum || keys != expKeys || wrong != 0) {
        check = "FAILED:sum=" + sum + ",keys=" + keys + ",wrong_users=" + wrong;
      } else {
        check = "ok";
      }
      long[] sorted = procs.stream().mapToLong(Long::longValue).sorted().toArray();
      System.out.printf(Locale.ROOT,
          "%s recovery_s=%.2f restart_to_first_batch_s=%.2f restart_to_context_s=%.2f restart_to_started_s=%.2f"
              + " child_jvm_start_to_started_ms=%d child_jvm_start_to_first_batch_ms=%d first_batch_proc_ms=%d"
              + " first_batch_records=%d kill_after_batch=%d run1_last_batch=%d run2_batches=%d run2_median_batch_ms=%.0f"
              + " sum=%d keys=%d wrong_users=%d expected_sum=%d expected_keys=%d run2_peak_rss_mb=%d interval_ms=%d"
              + " checkpoint_every_batches=%d ft=on %s check=%s%n",
          head, firstBatchS, firstBatchS, contextS, startedS, childStartedMs, childFirstBatchMs, firstProc, firstRecords,
          killAfter, lastRun1, batches2, Stats.median(sorted), sum, keys, wrong, expSum, expKeys, rss2, o.intervalMs,
          o.checkpointEvery, Stats.jvmDesc(), check);
      return check.equals("ok") ? 0 : 1;
    } finally {
      if (o.checkpointDir == null) {
        CheckpointProbe.deleteRecursively(dir);
      }
    }
  }

  private static long msSinceJvmStart(String line) {
    Matcher m = Pattern.compile("ms_since_jvm_start=(\\d+)").matcher(line);
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  /** A read that ends (null) instead of throwing when the killed child's pipe breaks. */
  private static String readLine(BufferedReader r) {
    try {
      return r.readLine();
    } catch (IOException e) {
      return null;
    }
  }
}
