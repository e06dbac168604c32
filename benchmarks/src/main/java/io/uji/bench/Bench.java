package io.uji.bench;

import io.uji.streaming.BatchInfo;
import io.uji.streaming.Durations;
import io.uji.streaming.StateCompaction;
import io.uji.streaming.StreamingConfig;
import io.uji.streaming.StreamingContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Runs one workload of {@code docs/WORKLOADS.md} (or Uji's own {@code wordcount}) on Uji
 * and prints its {@code RESULT} line last:
 *
 * <pre>
 * RESULT system=uji workload=.. variant=.. N= K= B= throughput_eps= median_batch_ms= p99_batch_ms=
 *        first_batch_ms= peak_rss_mb= check=ok|FAILED:.. [extras]
 * </pre>
 *
 * <p>Figures, as docs/WORKLOADS.md defines them: throughput = N / (sum of the processing times of all
 * batches that carried records, the first included); the first batch's time is reported apart
 * and left out of the median and p99. The generator allocates a batch every interval whether or
 * not the previous one finished, so a slow engine runs batches back to back; processing times
 * come from {@link BatchInfo#processingDelay()} (records are generated inside the batch, as in
 * the peers' generator sources).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Runs a benchmark workload on Uji and prints its RESULT line.")
public final class Bench implements Callable<Integer> {
  @Parameters(index = "0", description = "wordcount | session-count | kafka-session-count | recovery | receiver-wal")
  String workload;

  @Option(names = "--variant", description = "session-count: mapWithState, update, or inmem (heap maps, no state store) (default: ${DEFAULT-VALUE}).")
  String variant = "inmem";

  @Option(names = "--n", description = "Events (wordcount: lines) (default: 10,000,000; wordcount 4,000,000).")
  Long n;

  @Option(names = "--k", description = "Users (wordcount: vocabulary size) (default: 1,000,000; wordcount 10,000).")
  Long k;

  @Option(names = "--b", description = "Events per batch (default: 500,000; wordcount 200,000 lines).")
  Long b;

  @Option(names = "--words-per-line", description = "wordcount: words per line (default: ${DEFAULT-VALUE}).")
  int wordsPerLine = 10;

  @Option(names = "--interval-ms", description = "Batch interval in ms (default: ${DEFAULT-VALUE}).")
  long intervalMs = 1000;

  @Option(names = "--threads", description = "Worker threads; 0 = one per core (default: ${DEFAULT-VALUE}).")
  int threads = 0;

  @Option(names = "--ft", description = "Fault tolerance: on = a checkpoint directory (a fresh temporary one unless"
      + " --checkpoint-dir is given; deleted after the run) and the state checkpointed every --checkpoint-every"
      + " batches; off = neither (default: ${DEFAULT-VALUE}).")
  String ft = "off";

  @Option(names = "--checkpoint-dir", description = "Checkpoint directory (implies --ft on; kept after the run).")
  String checkpointDir;

  @Option(names = "--checkpoint-every", description = "With --ft on: checkpoint the state every this many batches"
      + " (default: ${DEFAULT-VALUE}, as docs/WORKLOADS.md says).")
  long checkpointEvery = 5;

  @Option(names = "--max-wait-s", description = "Give up after this long (default: ${DEFAULT-VALUE}).")
  long maxWaitS = 1800;

  @Option(names = "--kill-after", description = "recovery: SIGKILL the child after this many batches (default: ${DEFAULT-VALUE}).")
  int killAfter = 10;

  @Option(names = "--rate", description = "receiver-wal: target events/s (default: ${DEFAULT-VALUE}).")
  long rate = 1_000_000;

  @Option(names = "--duration-s", description = "receiver-wal: run length in s (default: ${DEFAULT-VALUE}).")
  long durationS = 60;

  @Option(names = "--warmup-s", description = "receiver-wal: batches of the first s are not counted"
      + " (default: 10, or a quarter of a shorter run).")
  Long warmupS;

  @Option(names = "--processing", description = "receiver-wal: count (the default) or mapWithState (a running count"
      + " per user with a 60 s timeout, checkpointed every --checkpoint-every batches, as Spark's peer does).")
  String processing = "count";

  @Option(names = "--block", description = "receiver-wal: records per store(List) block (default: ${DEFAULT-VALUE}).")
  int block = 10_000;

  @Option(names = "--verbose", description = "Print a BATCH line per batch.")
  boolean verbose;

  @Option(names = "--state-memory-mb", description = "RocksDB memory budget of the state store in MiB"
      + " (default: StreamingConfig's, 256).")
  Long stateMemoryMb;

  @Option(names = "--metrics", description = "on: bind UjiMetrics to a SimpleMeterRegistry (what metrics cost);"
      + " off: no registry (default: ${DEFAULT-VALUE}).")
  String metrics = "off";

  @Option(names = "--query-load", description = "session-count mapWithState: on = a thread reads random users'"
      + " state with KeyedState.get and, every 2 s, runs a SQL aggregate over the whole state while batches run"
      + " (default: ${DEFAULT-VALUE}).")
  String queryLoad = "off";

  @Option(names = "--state-compaction", description = "RocksDB compaction style of the keyed state: LEVELED or"
      + " UNIVERSAL (default: StreamingConfig's, LEVELED).")
  StateCompaction stateCompaction;

  @Option(names = "--state-cache", description = "Write-back cache entries per state partition"
      + " (default: derived from -Xmx).")
  Integer stateCache;

  @Option(names = "--bootstrap", description = "kafka-session-count: the broker (bench/run.sh starts one and passes it).")
  String bootstrap;

  @Option(names = "--topic", description = "kafka-session-count: the loaded input topic (default: ${DEFAULT-VALUE}).")
  String topic = "input";

  @Option(names = "--output-topic", description = "kafka-session-count: the output topic, existing (default: ${DEFAULT-VALUE}).")
  String outputTopic = "output";

  @Option(names = "--guarantee", description = "kafka-session-count: eos (KafkaSink, one transaction per batch) or alos"
      + " (a plain producer, flushed per batch) (default: ${DEFAULT-VALUE}).")
  String guarantee = "eos";

  @Option(names = "--consumer-property", description = "kafka-session-count: key=value for the source's consumers (repeatable).")
  Map<String, String> consumerProperties = new LinkedHashMap<>();

  @Option(names = "--producer-property", description = "kafka-session-count: key=value for the output's producer (repeatable).")
  Map<String, String> producerProperties = new LinkedHashMap<>();

  @Option(names = "--state-key-groups", description = "Key groups of a new stateful operator's state"
      + " (default: StreamingConfig's, 128).")
  Integer stateKeyGroups;

  @Option(names = "--recovery-check", description = "recovery: every = compare the whole state with the generator's"
      + " counts after every batch until it matches (a scan of the state per batch); end = once, after the last"
      + " events, by a scan of the operator's KeyedState (for states too large to scan every batch)"
      + " (default: ${DEFAULT-VALUE}).")
  String recoveryCheck = "every";

  @Option(names = "--backpressure", description = "kafka-session-count: on = the source's batches follow backpressure"
      + " (starting at --initial-rate); off = every batch takes B records of the pre-loaded topic (default: ${DEFAULT-VALUE}).")
  String backpressure = "off";

  @Option(names = "--initial-rate", description = "kafka-session-count with --backpressure on: records per partition per"
      + " second of the first batches, before backpressure has an estimate (default: the source's, 10,000).")
  Long initialRate;

  @Option(names = "--broker-pid", description = "kafka-session-count: the broker's pid, for its CPU seconds (bench/run.sh passes it).")
  String brokerPid;

  @Option(names = "--state-partitions", description = "session-count: the stateful operator's partitions, i.e. its"
      + " parallel tasks (default: the context's default parallelism); its state has the context's key groups (128).")
  Integer statePartitions;

  Workload workload() {
    return switch (workload) {
      case "wordcount" -> new WordCountWorkload(or(n, 4_000_000L), or(k, 10_000L), wordsPerLine, or(b, 200_000L));
      case "session-count" -> new SessionCountWorkload(variant, or(n, 10_000_000L), or(k, 1_000_000L),
          or(b, 500_000L), statePartitions);
      case "kafka-session-count" -> new KafkaSessionCountWorkload(new KafkaSessionCountWorkload.KafkaSettings(bootstrap,
          topic, outputTopic, guarantee, consumerProperties, producerProperties, onOff("--backpressure", backpressure),
          initialRate, brokerPid), or(n, 10_000_000L), or(k, 1_000_000L),
          or(b, 500_000L));
      default -> throw new IllegalArgumentException("unknown workload " + workload
          + " (wordcount, session-count, kafka-session-count, recovery, receiver-wal)");
    };
  }

  private static boolean onOff(String option, String value) {
    if (!value.equals("on") && !value.equals("off")) {
      throw new IllegalArgumentException(option + " must be on or off, got " + value);
    }
    return value.equals("on");
  }

  private static long or(Long v, long dflt) {
    return v != null ? v : dflt;
  }

  @Override
  public Integer call() throws Exception {
    if (workload.equals("recovery-child")) {
      return RecoveryWorkload.child(this, Path.of(checkpointDir).toAbsolutePath());
    }
    if (workload.equals("receiver-wal")) {
      return ReceiverWalWorkload.run(this, rate, durationS, block, warmupS != null ? warmupS : Math.min(10, durationS / 4));
    }
    if (workload.equals("recovery")) {
      return RecoveryWorkload.parent(this, childArgs(), killAfter);
    }
    if (!ft.equals("on") && !ft.equals("off")) {
      throw new IllegalArgumentException("--ft must be on or off");
    }
    Workload w = workload();
    StreamingConfig config = config();
    StreamingContext ssc = new StreamingContext(config, Durations.milliseconds(intervalMs));
    boolean ftOn = ft.equals("on") || checkpointDir != null;
    Path ckpt = null;
    boolean deleteCkpt = false;
    if (ftOn) {
      if (checkpointDir != null) {
        ckpt = Path.of(checkpointDir);
      } else {
        ckpt = Files.createTempDirectory("uji-bench-ckpt-");
        deleteCkpt = true;
      }
      ssc.checkpoint(ckpt.toString());
    }
    try {
      return run(w, ssc, ckpt);
    } finally {
      if (deleteCkpt) {
        CheckpointProbe.deleteRecursively(ckpt);
      }
    }
  }

  /** The context's settings from the options (shared with the other workloads' runners). */
  StreamingConfig config() {
    StreamingConfig config = StreamingConfig.defaults();
    if (threads > 0) {
      config = config.withWorkerThreads(threads);
    }
    if (stateMemoryMb != null) {
      config = config.withStateMemoryBytes(stateMemoryMb << 20);
    }
    if (stateCache != null) {
      config = config.withStateCacheEntriesPerPartition(stateCache);
    }
    if (stateKeyGroups != null) {
      config = config.withStateKeyGroups(stateKeyGroups);
    }
    if (stateCompaction != null) {
      config = config.withStateCompaction(stateCompaction);
    }
    return config;
  }

  private int run(Workload w, StreamingContext ssc, Path ckpt) throws InterruptedException {
    w.define(ssc, ckpt == null ? null : Durations.milliseconds(intervalMs * checkpointEvery));
    CheckpointProbe probe = null;
    if (ckpt != null) {
      probe = new CheckpointProbe(ckpt, intervalMs, checkpointEvery);
      probe.register();
      ssc.addStreamingListener(probe); // before the collector: it has seen the last batch when the run ends
    }
    BatchCollector collector = new BatchCollector(w.events(), verbose);
    ssc.addStreamingListener(collector);

    io.uji.metrics.UjiMetrics meters = metrics.equals("on")
        ? io.uji.metrics.UjiMetrics.bind(ssc, new io.micrometer.core.instrument.simple.SimpleMeterRegistry()) : null;
    long gc0 = Stats.gcMillis();
    long wall0 = System.nanoTime();
    ssc.start();
    QueryLoad queries = queryLoad.equals("on") ? QueryLoad.start(ssc, "session-count", w.k()) : null;
    boolean finished = collector.await(maxWaitS);
    String queryFigures = queries == null ? "" : " " + queries.stop();
    double wallS = (System.nanoTime() - wall0) / 1e9;
    long gcMs = Stats.gcMillis() - gc0;
    ssc.stop(false);
    if (meters != null) {
      meters.close();
    }
    double rssMb = Stats.peakRssMb();

    String head = String.format(Locale.ROOT, "RESULT system=uji workload=%s variant=%s N=%d K=%d B=%d",
        w.name(), w.variant(), w.events(), w.k(), w.b());
    List<BatchInfo> batches = collector.dataBatches();
    if (!finished || collector.failure() != null || batches.isEmpty()) {
      String why = collector.failure() != null ? "batch-failed:" + collector.failure().replace(' ', '_')
          : "timeout-after-" + maxWaitS + "s,records=" + collector.records();
      System.out.println(head + " check=FAILED:" + why);
      return 1;
    }
    String check = w.check();
    long[] proc = batches.stream().mapToLong(BatchInfo::processingDelay).toArray();
    long first = proc[0];
    long sumAll = Arrays.stream(proc).sum();
    long[] rest = Arrays.copyOfRange(proc, 1, proc.length);
    long sumRest = Arrays.stream(rest).sum();
    Arrays.sort(rest);
    long maxSched = batches.stream().mapToLong(BatchInfo::schedulingDelay).max().orElse(0);
    long spanMs = batches.get(batches.size() - 1).processingEndTime() - batches.get(0).processingStartTime();
    double thr = w.throughputOverSpan() ? w.events() / (Math.max(1, spanMs) / 1000.0)
        : w.events() / (Math.max(1, sumAll) / 1000.0);
    double thrExclFirst = (w.events() - batches.get(0).numRecords()) / (Math.max(1, sumRest) / 1000.0);
    System.out.printf(Locale.ROOT,
        "%s throughput_eps=%.0f median_batch_ms=%.0f p99_batch_ms=%.0f first_batch_ms=%d peak_rss_mb=%.0f check=%s"
            + " throughput_all_eps=%.0f throughput_excl_first_eps=%.0f batches=%d sum_batch_ms=%d interval_ms=%d"
            + " max_sched_delay_ms=%d span_ms=%d wall_s=%.1f gc_ms=%d ft=%s threads=%d metrics=%s %s%s%s%s%n",
        head, thr, Stats.median(rest), Stats.percentile(rest, 0.99), first, rssMb, check, thr, thrExclFirst,
        proc.length, sumAll, intervalMs, maxSched, spanMs, wallS, gcMs, ckpt != null ? "on" : "off",
        ssc.config().workerThreads(), metrics, Stats.jvmDesc(), w.extras().isEmpty() ? "" : " " + w.extras(),
        probe == null ? "" : " checkpoint_every_batches=" + checkpointEvery + " " + probe.extras(), queryFigures);
    return check.equals("ok") ? 0 : 1;
  }

  private static String[] mainArgs = new String[0];

  /** The command line minus the workload, --kill-after and --checkpoint-dir: what the recovery child gets. */
  private static String[] childArgs() {
    List<String> out = new java.util.ArrayList<>();
    for (int i = 1; i < mainArgs.length; i++) {
      String a = mainArgs[i];
      if (a.equals("--kill-after") || a.equals("--checkpoint-dir")) {
        i++;
      } else if (!a.startsWith("--kill-after=") && !a.startsWith("--checkpoint-dir=") && !a.equals("--ft")) {
        out.add(a);
      } else if (a.equals("--ft")) {
        i++;
      }
    }
    return out.toArray(new String[0]);
  }

  public static void main(String[] args) {
    mainArgs = args.clone();
    CheckpointProbe.installLogTap(); // before slf4j-simple prints anything
    int rc = new CommandLine(new Bench()).execute(args);
    System.out.flush();
    System.exit(rc);
  }
}
