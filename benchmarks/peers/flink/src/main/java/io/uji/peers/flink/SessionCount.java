package io.uji.peers.flink;

import io.uji.peers.common.Gen;
import io.uji.peers.common.Options;
import io.uji.peers.common.Proc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * session-count and session-count-large of docs/WORKLOADS.md on Flink (DataStream API, a local
 * MiniCluster in this JVM):
 * {@code fromSequence(0, N-1) -> map(i -> "user-" + u(i)) -> keyBy(user) -> CountFn -> CheckSink},
 * parallelism 2, incremental checkpoints every 5 s to a local directory, exactly-once (aligned).
 *
 * <p>Flink is not micro-batch: {@code throughput_eps} = N / {@code job_s}, Flink's own net job
 * runtime (deployment, state set-up, every checkpoint and the JIT warm-up included; JVM start,
 * MiniCluster start/stop and the check's pre-computation left out); the batch figures are NA.
 * {@code throughput_data_eps} = N / (first record at a sink .. last end of input) leaves deployment
 * out. Check: records = N, the final counts add up to N, users = ones = the distinct users, the
 * pair checksum matches, and both sink subtasks reported.
 */
final class SessionCount {
  private SessionCount() {}

  /** The event index's record. Chained to the source. */
  private static final class ToUser implements MapFunction<Long, String> {
    private static final long serialVersionUID = 1L;
    private final long k;

    ToUser(long k) {
      this.k = k;
    }

    @Override
    public String map(Long i) {
      return Gen.record(i, k);
    }
  }

  private static final class ByUser implements KeySelector<String, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String getKey(String s) {
      return s;
    }
  }

  /**
   * Runs the job and prints its RESULT line.
   *
   * @param workload session-count or session-count-large (other defaults: N=100 M, K=20 M)
   * @return 0 when the check passed
   * @throws Exception whatever Flink throws
   */
  static int run(String workload, Options o) throws Exception {
    final boolean large = workload.equals("session-count-large");
    final long n = o.longOpt("n", large ? 100_000_000L : 10_000_000L);
    final long k = o.longOpt("k", large ? 20_000_000L : 1_000_000L);
    final String backend = o.stringOpt("backend", "rocksdb");
    final String variant = o.stringOpt("variant", backend);
    final int par = (int) o.longOpt("parallelism", 2);
    final long ckptMs = o.longOpt("ckpt-interval-ms", 5000);
    final boolean incremental = o.boolOpt("incremental", true);
    final long ttlS = o.longOpt("ttl-s", 60);
    final boolean finalCkpt = o.boolOpt("final-checkpoint", false);
    final long managedMb = o.longOpt("managed-mb", 0);
    final boolean keep = o.boolOpt("keep-dirs", false);
    // The common side-by-side command line carries batch options; Flink has no batches.
    o.accept("b", "interval-ms");
    o.rejectUnknown();
    if (!backend.equals("rocksdb") && !backend.equals("hashmap")) {
      throw new IllegalArgumentException("--backend must be rocksdb or hashmap, got " + backend);
    }
    if (n <= 0 || k <= 0) {
      throw new IllegalArgumentException("--n and --k must be positive, got " + n + ", " + k);
    }
    final String system = "flink-" + flinkVersion();

    long t0 = System.nanoTime();
    Expected exp = Expected.of(n, k);
    System.out.printf(Locale.ROOT, "INFO expected distinct users=%d max count per user=%d checksum=%d (computed in %.1f s)%n",
        exp.distinctUsers(), exp.maxCount(), exp.checksum(), (System.nanoTime() - t0) / 1e9);
    final boolean wide = k <= 4_000_000L || exp.maxCount() > 127;
    System.gc(); // the check's arrays are garbage now; do not let them weigh on the run

    final Path ckptDir = Proc.freshDir("ckpt-");
    final Path rocksDir = Proc.freshDir("rocksdb-");
    final Path tmpDir = Proc.freshDir("tmp-");
    Configuration conf = new Configuration();
    conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.STREAMING);
    conf.set(StateBackendOptions.STATE_BACKEND, backend);
    if (ckptMs > 0) {
      conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(ckptMs));
      conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
      conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, ckptDir.toUri().toString());
      conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, incremental);
      // With Flink's default (true) every task of a bounded job waits for one more checkpoint after
      // its input ends, up to one interval of idle time; off unless --final-checkpoint true.
      conf.set(CheckpointingOptions.ENABLE_CHECKPOINTS_AFTER_TASKS_FINISH, finalCkpt);
    }
    conf.set(RocksDBOptions.LOCAL_DIRECTORIES, rocksDir.toString());
    conf.set(CoreOptions.TMP_DIRS, tmpDir.toString());
    if (managedMb > 0) {
      conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(managedMb));
    }

    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(par, conf);
    env.fromSequence(0, n - 1).name("generator")
        .map(new ToUser(k)).name("to-user")
        .keyBy(new ByUser())
        .process(new CountFn(ttlS)).name("count")
        .sinkTo(new CheckSink(k, wide)).name("check-and-discard");

    System.out.printf(Locale.ROOT, "INFO %s workload=%s backend=%s N=%d K=%d parallelism=%d ckpt_interval_ms=%d incremental=%s "
            + "ttl_s=%d final_checkpoint=%s %s%n",
        system, workload, backend, n, k, par, ckptMs, incremental, ttlS, finalCkpt, Proc.jvmDesc());
    long gc0 = Proc.gcMillis();
    long wallStartMs = System.currentTimeMillis();
    long w0 = System.nanoTime();
    JobExecutionResult res = env.execute(workload + "-" + variant);
    double execS = (System.nanoTime() - w0) / 1e9;
    long gc = Proc.gcMillis() - gc0;
    long netMs = res.getNetRuntime(TimeUnit.MILLISECONDS);
    double[] mem = Proc.memMb();

    List<CheckSink.Tally> tallies = new ArrayList<>(CheckSink.TALLIES);
    long records = 0;
    long ones = 0;
    long checksum = 0;
    long sumFinal = 0;
    long users = 0;
    long overflow = 0;
    long firstWrite = Long.MAX_VALUE;
    long endInput = 0;
    for (CheckSink.Tally t : tallies) {
      records += t.records;
      ones += t.ones;
      checksum += t.checksum;
      sumFinal += t.sumFinal;
      users += t.users;
      overflow += t.overflow;
      if (t.firstWriteMs > 0) {
        firstWrite = Math.min(firstWrite, t.firstWriteMs);
      }
      endInput = Math.max(endInput, t.endInputMs);
    }
    StringBuilder fail = new StringBuilder();
    if (tallies.size() != par) {
      fail.append("sink_subtasks=").append(tallies.size()).append(';');
    }
    if (records != n) {
      fail.append("records=").append(records).append(';');
    }
    if (sumFinal != n) {
      fail.append("sum=").append(sumFinal).append(';');
    }
    if (users != exp.distinctUsers()) {
      fail.append("users=").append(users).append(';');
    }
    if (ones != exp.distinctUsers()) {
      fail.append("ones=").append(ones).append(';');
    }
    if (checksum != exp.checksum()) {
      fail.append("checksum;");
    }
    if (overflow != 0) {
      fail.append("overflow=").append(overflow).append(';');
    }
    String check = fail.length() == 0 ? "ok" : "FAILED:" + fail;

    double jobS = netMs / 1000.0;
    double dataS = (endInput - firstWrite) / 1000.0;
    System.out.printf(Locale.ROOT,
        "RESULT system=%s workload=%s variant=%s N=%d K=%d B=NA throughput_eps=%.0f median_batch_ms=NA p99_batch_ms=NA "
            + "first_batch_ms=NA peak_rss_mb=%.0f check=%s backend=%s incremental=%s ckpt_interval_ms=%d last_ckpt_id=%d "
            + "ckpts_completed=%d snapshots=%d ttl_s=%d final_checkpoint=%s parallelism=%d job_s=%.2f exec_s=%.2f "
            + "throughput_exec_eps=%.0f to_first_output_s=%.2f data_s=%.2f throughput_data_eps=%.0f xmx=%s gc=%s gc_ms=%d "
            + "managed_mb=%s rss_end_mb=%.0f records=%d sum=%d users=%d expected_users=%d ones=%d checksum=%d%n",
        system, workload, variant, n, k, n / jobS, mem[0], check, backend,
        backend.equals("rocksdb") ? Boolean.toString(incremental) : "n/a", ckptMs, CountFn.MAX_COMPLETED_CHECKPOINT.get(),
        CountFn.COMPLETE_NOTIFICATIONS.sum() / Math.max(1, par), CountFn.SNAPSHOTS.sum() / Math.max(1, par), ttlS,
        finalCkpt, par, jobS, execS, n / execS, (firstWrite - wallStartMs) / 1000.0, dataS, n / dataS, Proc.xmx(),
        Proc.gcName(), gc, managedMb > 0 ? Long.toString(managedMb) : "default", mem[1], records, sumFinal, users,
        exp.distinctUsers(), ones, checksum);
    if (!keep) {
      Proc.deleteRecursively(ckptDir);
      Proc.deleteRecursively(rocksDir);
      Proc.deleteRecursively(tmpDir);
    }
    return fail.length() == 0 ? 0 : 1;
  }

  /** @return Flink's version as its runtime reports it, "unknown" when it does not */
  private static String flinkVersion() {
    String v = EnvironmentInformation.getVersion();
    return v == null || v.isEmpty() || v.startsWith("<") ? "unknown" : v;
  }
}
