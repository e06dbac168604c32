package io.uji.peers.kstreams;

import io.uji.peers.common.Options;

/**
 * One Kafka Streams run's settings.
 *
 * @param workload session-count, session-count-large, recovery-run1 or recovery-run2
 * @param n events in the input topic
 * @param k users
 * @param bootstrap the broker
 * @param appId application.id (also the consumer group)
 * @param stateDir state.dir
 * @param input input topic
 * @param output output topic
 * @param guarantee alos (at_least_once) or eos (exactly_once_v2)
 * @param sink topic ({@code to(output)}) or discard ({@code foreach})
 * @param threads stream threads
 * @param cacheBytes statestore.cache.max.bytes, -1 = Streams' default (10 MiB)
 * @param commitMs commit.interval.ms, -1 = Streams' default (30 s ALOS, 100 ms EOS)
 * @param staticMembership set group.instance.id, so a restarted instance takes its partitions back at once
 * @param timeoutS give up after this long
 * @param brokerPid the broker's pid, for its CPU and RSS figures ("" = not reported)
 * @param killAt recovery-run1: print KILL_POINT once this many records are processed
 * @param launchedAtMs recovery-run2: when run.sh launched this JVM (epoch ms)
 * @param killedAt recovery-run2: what run 1 had processed when killed, for the RESULT line
 * @param variant the RESULT line's variant
 * @param extra key=value pairs run.sh appends to the RESULT line (the load's figures)
 */
record StreamsSettings(String workload, long n, long k, String bootstrap, String appId, String stateDir,
    String input, String output, String guarantee, String sink, int threads, long cacheBytes, long commitMs,
    boolean staticMembership, long timeoutS, String brokerPid, long killAt, long launchedAtMs, String killedAt,
    String variant, String extra) {

  boolean run1() {
    return workload.equals("recovery-run1");
  }

  boolean run2() {
    return workload.equals("recovery-run2");
  }

  boolean eos() {
    return guarantee.equals("eos");
  }

  /** @return the workload named in the RESULT line: both recovery runs report "recovery" */
  String resultWorkload() {
    return run1() || run2() ? "recovery" : workload;
  }

  /**
   * @param jvmStartMs this JVM's start, the default of --launched-at-ms
   * @throws IllegalArgumentException naming a missing, malformed or unknown option
   */
  static StreamsSettings from(String workload, Options o, long jvmStartMs) {
    boolean large = workload.equals("session-count-large");
    boolean recovery = workload.startsWith("recovery-run");
    long n = o.longOpt("n", large ? 100_000_000L : 10_000_000L);
    long k = o.longOpt("k", large ? 20_000_000L : 1_000_000L);
    String bootstrap = required(o, "bootstrap");
    String appId = required(o, "app-id");
    String stateDir = required(o, "state-dir");
    String guarantee = o.stringOpt("guarantee", recovery ? "eos" : "alos");
    String sink = o.stringOpt("sink", "topic");
    long cacheBytes = o.longOpt("cache-bytes", -1);
    boolean staticMembership = o.boolOpt("static-membership", false);
    if (!guarantee.equals("alos") && !guarantee.equals("eos")) {
      throw new IllegalArgumentException("--guarantee must be alos or eos, got " + guarantee);
    }
    if (!sink.equals("topic") && !sink.equals("discard")) {
      throw new IllegalArgumentException("--sink must be topic or discard, got " + sink);
    }
    String defaultVariant = "count-" + guarantee + (sink.equals("discard") ? "-discard" : "")
        + (cacheBytes == 0 ? "-nocache" : cacheBytes > 0 ? "-cache" + (cacheBytes >> 20) + "m" : "")
        + (staticMembership ? "-static" : "");
    StreamsSettings s = new StreamsSettings(workload, n, k, bootstrap, appId, stateDir, o.stringOpt("input", "input"),
        o.stringOpt("output", "output"), guarantee, sink, (int) o.longOpt("threads", 2), cacheBytes,
        o.longOpt("commit-ms", -1), staticMembership, o.longOpt("timeout-s", 1800), o.stringOpt("broker-pid", ""),
        o.longOpt("kill-at", n / 2), o.longOpt("launched-at-ms", jvmStartMs), o.stringOpt("killed-at", "NA"),
        o.stringOpt("variant", defaultVariant), o.stringOpt("extra", ""));
    // The common side-by-side command line carries batch options; Kafka Streams has no batches.
    o.accept("b", "interval-ms");
    o.rejectUnknown();
    return s;
  }

  private static String required(Options o, String name) {
    String v = o.stringOpt(name, null);
    if (v == null) {
      throw new IllegalArgumentException("missing --" + name + " (run.sh passes it)");
    }
    return v;
  }
}
