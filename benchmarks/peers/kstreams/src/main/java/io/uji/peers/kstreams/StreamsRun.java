package io.uji.peers.kstreams;

import io.uji.peers.common.Gen;
import io.uji.peers.common.Proc;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.utils.internals.AppInfoParser;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * One measured Kafka Streams run over the input that {@link LoadInput} wrote.
 *
 * <p>Progress = the sum over stream threads of the thread-level metric {@code process-total}
 * (records processed by the threads' tasks), read every 2 ms. The measured span runs from the
 * first poll that sees a processed record to the first that sees all the input still to process
 * (N, or N minus the committed offsets for recovery-run2): {@code throughput_eps} = processed /
 * that span. Check, after the span: every entry of the store, read through interactive queries,
 * equals the user's count computed from the generator, the counts add up to N, the store holds
 * exactly the distinct users; after {@code close()} the application's committed offsets equal
 * the input's end offsets.
 */
final class StreamsRun {
  private StreamsRun() {}

  /**
   * Runs, checks and prints the RESULT line (recovery-run1 prints KILL_POINT and runs until killed).
   *
   * @return 0 when the check passed
   * @throws Exception when the broker cannot be queried
   */
  static int run(StreamsSettings s) throws Exception {
    final long jvmStartMs = ManagementFactory.getRuntimeMXBean().getStartTime();
    final String system = "kafka-streams-" + AppInfoParser.getVersion();
    Topology topology = CountTopology.build(s.input(), s.output(), s.sink().equals("topic"));

    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, s.appId());
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrap());
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, s.threads());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, s.eos() ? StreamsConfig.EXACTLY_ONCE_V2 : StreamsConfig.AT_LEAST_ONCE);
    p.put(StreamsConfig.STATE_DIR_CONFIG, s.stateDir());
    if (s.cacheBytes() >= 0) {
      p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, s.cacheBytes());
    }
    if (s.commitMs() >= 0) {
      p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, s.commitMs());
    }
    if (s.staticMembership()) {
      p.put(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), s.appId() + "-instance");
    }
    StreamsConfig effective = new StreamsConfig(p);
    final long effCommitMs = effective.getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG);
    final long effCacheBytes = effective.getLong(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG);

    Properties ap = new Properties();
    ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrap());
    try (Admin admin = Admin.create(ap)) {
      List<TopicPartition> inTps = new ArrayList<>();
      Map<TopicPartition, OffsetSpec> req = new HashMap<>();
      TopicDescription td = admin.describeTopics(List.of(s.input())).allTopicNames().get(30, TimeUnit.SECONDS).get(s.input());
      for (TopicPartitionInfo pi : td.partitions()) {
        TopicPartition tp = new TopicPartition(s.input(), pi.partition());
        inTps.add(tp);
        req.put(tp, OffsetSpec.latest());
      }
      Map<TopicPartition, Long> ends = new HashMap<>();
      long endTotal = 0;
      for (var e : admin.listOffsets(req).all().get(30, TimeUnit.SECONDS).entrySet()) {
        ends.put(e.getKey(), e.getValue().offset());
        endTotal += e.getValue().offset();
      }
      if (endTotal != s.n()) {
        throw new IllegalStateException("input topic " + s.input() + " holds " + endTotal + " records, not N=" + s.n());
      }
      long committedAtStart = 0;
      if (s.run2()) {
        for (long c : committed(admin, s.appId(), inTps).values()) {
          committedAtStart += c;
        }
      }
      final long target = s.n() - committedAtStart;
      final long preStartMs = System.currentTimeMillis();

      System.out.printf(Locale.ROOT, "INFO %s workload=%s variant=%s N=%d K=%d guarantee=%s sink=%s threads=%d partitions=%d "
              + "commit_interval_ms=%d cache_bytes=%d static=%s %s target=%d%n%s%n",
          system, s.workload(), s.variant(), s.n(), s.k(), s.guarantee(), s.sink(), s.threads(), inTps.size(), effCommitMs,
          effCacheBytes, s.staticMembership(), Proc.jvmDesc(), target, topology.describe());

      // ---- run ----
      final AtomicLong restoreStartMs = new AtomicLong(Long.MAX_VALUE);
      final AtomicLong restoreEndMs = new AtomicLong(0);
      final AtomicLong restored = new AtomicLong();
      final AtomicLong firstRunningMs = new AtomicLong(0);
      final AtomicReference<Throwable> failure = new AtomicReference<>();
      KafkaStreams streams = new KafkaStreams(topology, p);
      streams.setGlobalStateRestoreListener(new StateRestoreListener() {
        @Override
        public void onRestoreStart(TopicPartition tp, String store, long start, long end) {
          restoreStartMs.accumulateAndGet(System.currentTimeMillis(), Math::min);
        }

        @Override
        public void onBatchRestored(TopicPartition tp, String store, long batchEnd, long numRestored) {}

        @Override
        public void onRestoreEnd(TopicPartition tp, String store, long totalRestored) {
          restored.addAndGet(totalRestored);
          restoreEndMs.accumulateAndGet(System.currentTimeMillis(), Math::max);
        }
      });
      streams.setStateListener((now, old) -> {
        if (now == KafkaStreams.State.RUNNING) {
          firstRunningMs.compareAndSet(0, System.currentTimeMillis());
        }
      });
      streams.setUncaughtExceptionHandler(ex -> {
        failure.compareAndSet(null, ex);
        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
      });
      List<Metric> proc = processTotals(streams);

      final long gc0 = Proc.gcMillis();
      final long s0 = System.nanoTime();
      streams.start();
      long firstNs = -1;
      long lastNs = -1;
      long firstMs = -1;
      double cpuFirst = 0;
      double brokerCpuFirst = 0;
      double machineFirst = 0;
      long nextProgressNs = s0;
      long progressNs = TimeUnit.MILLISECONDS.toNanos(s.run1() ? 20 : 5000);
      boolean killPrinted = false;
      long processed = 0;
      String failReason = null;
      final boolean withBroker = !s.brokerPid().isEmpty();
      while (true) {
        long now = System.nanoTime();
        if (proc.size() < s.threads()) {
          proc = processTotals(streams); // the threads' metrics appear once they have started
        }
        processed = sum(proc);
        if (firstNs < 0 && processed > 0) {
          firstNs = now;
          firstMs = System.currentTimeMillis();
          cpuFirst = processCpuS();
          brokerCpuFirst = withBroker ? Proc.cpuS(s.brokerPid()) : 0;
          machineFirst = Proc.machineBusyS();
        }
        if (processed >= target && !s.run1()) {
          lastNs = now;
          break;
        }
        if (s.run1() && !killPrinted && processed >= s.killAt()) {
          System.out.printf(Locale.ROOT, "KILL_POINT processed=%d t_s=%.3f%n", processed, (now - s0) / 1e9);
          System.out.flush();
          killPrinted = true;
        }
        if (now >= nextProgressNs) {
          System.out.printf(Locale.ROOT, "PROGRESS t_s=%.2f processed=%d rss_mb=%.0f state=%s%n",
              (now - s0) / 1e9, processed, Proc.memMb()[1], streams.state());
          System.out.flush();
          nextProgressNs = now + progressNs;
        }
        KafkaStreams.State st = streams.state();
        if (failure.get() != null || st == KafkaStreams.State.ERROR || st == KafkaStreams.State.NOT_RUNNING
            || st == KafkaStreams.State.PENDING_ERROR) {
          failReason = "streams_state_" + st + (failure.get() == null ? "" : "_" + failure.get().getClass().getSimpleName());
          if (failure.get() != null) {
            failure.get().printStackTrace();
          }
          lastNs = now;
          break;
        }
        if (now - s0 > TimeUnit.SECONDS.toNanos(s.timeoutS())) {
          failReason = "timeout_after_" + s.timeoutS() + "s";
          lastNs = now;
          break;
        }
        Thread.sleep(2); // the sampling period of the progress metric
      }
      final double[] memAtEnd = Proc.memMb();
      final double cpuS = processCpuS() - cpuFirst;
      final double brokerCpuS = withBroker ? Proc.cpuS(s.brokerPid()) - brokerCpuFirst : -1;
      final double machineS = Proc.machineBusyS() - machineFirst;
      // CPU that neither this JVM nor the broker used during the span: other processes on the machine.
      final double otherCpuS = machineS - cpuS - Math.max(0, brokerCpuS);
      final long gcMs = Proc.gcMillis() - gc0;
      final double dataS = firstNs < 0 ? Double.NaN : (lastNs - firstNs) / 1e9;
      final double startupS = firstNs < 0 ? Double.NaN : (firstNs - s0) / 1e9;
      final double jvmToFirstS = firstNs < 0 ? Double.NaN : (firstMs - jvmStartMs) / 1000.0;
      final double recoveryS = firstNs < 0 ? Double.NaN : (firstMs - s.launchedAtMs()) / 1000.0;
      final double brokerHwm = withBroker ? Proc.memMb(s.brokerPid())[0] : -1;
      System.out.printf(Locale.ROOT, "INFO processing %s: processed=%d of %d in %.2f s (first record %.2f s after start())%n",
          failReason == null ? "complete" : "stopped: " + failReason, processed, target, dataS, startupS);

      // Until the committed offsets reach the end of the input: EOS commits every 100 ms; with
      // at-least-once the commit interval is 30 s, so this is waited for with EOS only.
      double committedS = Double.NaN;
      if (failReason == null && s.eos()) {
        long dl = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(effCommitMs + 30_000);
        while (System.nanoTime() < dl) {
          if (committed(admin, s.appId(), inTps).equals(ends)) {
            committedS = (System.nanoTime() - firstNs) / 1e9;
            break;
          }
          Thread.sleep(10);
        }
      }

      // ---- check ----
      StringBuilder fail = new StringBuilder();
      StoreCheck c = null;
      if (failReason != null) {
        fail.append(failReason).append(';');
      } else {
        c = StoreCheck.of(streams, s.n(), s.k());
        fail.append(c.failures());
      }
      final long processedFinal = sum(proc);
      final double[] memAfterCheck = Proc.memMb();
      final long close0 = System.nanoTime();
      boolean closed = streams.close(Duration.ofSeconds(120));
      final double closeS = (System.nanoTime() - close0) / 1e9;
      if (failReason == null) {
        Map<TopicPartition, Long> committedNow = committed(admin, s.appId(), inTps);
        if (!committedNow.equals(ends)) {
          fail.append("committed=").append(committedNow).append("!=end;");
        }
        if (!closed) {
          fail.append("close_timeout;");
        }
      }
      String check = fail.length() == 0 ? "ok" : "FAILED:" + fail.toString().replace(' ', '_');

      String rec = "";
      if (s.run2()) {
        rec = String.format(Locale.ROOT,
            " recovery_s=%.2f restart_to_running_s=%.2f restore_s=%.2f restored_records=%d committed_at_restart=%d "
                + "killed_at_processed=%s pre_start_s=%.2f",
            recoveryS, firstRunningMs.get() == 0 ? Double.NaN : (firstRunningMs.get() - s.launchedAtMs()) / 1000.0,
            restoreEndMs.get() == 0 ? 0.0 : (restoreEndMs.get() - restoreStartMs.get()) / 1000.0, restored.get(),
            committedAtStart, s.killedAt(), (preStartMs - s.launchedAtMs()) / 1000.0);
      }
      System.out.printf(Locale.ROOT,
          "RESULT system=%s workload=%s variant=%s N=%d K=%d B=NA throughput_eps=%.0f median_batch_ms=NA p99_batch_ms=NA "
              + "first_batch_ms=NA peak_rss_mb=%.0f check=%s%s guarantee=%s sink=%s store=rocksdb threads=%d partitions=%d "
              + "commit_interval_ms=%d cache_bytes=%d static=%s data_s=%.2f startup_s=%.2f jvm_to_first_s=%.2f committed_s=%.2f "
              + "throughput_committed_eps=%.0f processed=%d processed_final=%d target=%d keys=%d expected_keys=%d sum=%d "
              + "streams_cpu_s=%.1f broker_cpu_s=%.1f machine_busy_s=%.1f other_cpu_s=%.1f other_cores=%.2f "
              + "broker_peak_rss_mb=%.0f gc=%s xmx=%s gc_ms=%d rss_after_check_mb=%.0f peak_rss_after_check_mb=%.0f "
              + "check_s=%.2f close_s=%.2f%s%n",
          system, s.resultWorkload(), s.variant(), s.n(), s.k(), processed / dataS, memAtEnd[0], check, rec,
          s.guarantee(), s.sink(), s.threads(), inTps.size(), effCommitMs, effCacheBytes, s.staticMembership(), dataS,
          startupS, jvmToFirstS, committedS, target / committedS, processed, processedFinal, target,
          c == null ? 0 : c.keys(), c == null ? 0 : c.distinct(), c == null ? 0 : c.sum(), cpuS, brokerCpuS, machineS,
          otherCpuS, otherCpuS / dataS, brokerHwm, Proc.gcName(), Proc.xmx(), gcMs, memAfterCheck[1], memAfterCheck[0],
          c == null ? Double.NaN : c.seconds(), closeS, s.extra().isEmpty() ? "" : " " + s.extra());
      return fail.length() == 0 ? 0 : 1;
    }
  }

  /** @return the stream threads' process-total metrics (one per started thread) */
  private static List<Metric> processTotals(KafkaStreams s) {
    List<Metric> l = new ArrayList<>();
    for (Map.Entry<MetricName, ? extends Metric> e : s.metrics().entrySet()) {
      MetricName mn = e.getKey();
      if (mn.group().equals("stream-thread-metrics") && mn.name().equals("process-total")) {
        l.add(e.getValue());
      }
    }
    return l;
  }

  private static long sum(List<Metric> ms) {
    double d = 0;
    for (Metric m : ms) {
      d += ((Number) m.metricValue()).doubleValue();
    }
    return (long) d;
  }

  private static double processCpuS() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime() / 1e9;
    }
    return -1;
  }

  /** @return the group's committed offset of each partition (0 where it has none) */
  private static Map<TopicPartition, Long> committed(Admin admin, String group, List<TopicPartition> tps) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> m =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
    Map<TopicPartition, Long> r = new HashMap<>();
    for (TopicPartition tp : tps) {
      OffsetAndMetadata om = m.get(tp);
      r.put(tp, om == null ? 0L : om.offset());
    }
    return r;
  }

  /**
   * The store check: every entry read through interactive queries (both tasks' stores, through
   * the cache) against the counts computed from the generator.
   *
   * @param n events: the counts must add up to it
   * @param keys entries in the store
   * @param distinct users the generator produced
   * @param sum the counts added up
   * @param mismatches users whose count differs from the generator's
   * @param seconds the check's duration
   */
  private record StoreCheck(long n, long keys, long distinct, long sum, long mismatches, double seconds) {
    static StoreCheck of(KafkaStreams streams, long n, long k) throws InterruptedException {
      long c0 = System.nanoTime();
      int[] exp = Gen.expectedCounts(n, k);
      long distinct = 0;
      for (int c : exp) {
        if (c > 0) {
          distinct++;
        }
      }
      ReadOnlyKeyValueStore<String, Long> store = null;
      long dl = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (store == null) {
        try {
          store = streams.store(StoreQueryParameters.fromNameAndType(CountTopology.STORE,
              QueryableStoreTypes.<String, Long>keyValueStore()));
        } catch (InvalidStateStoreException e) {
          if (System.nanoTime() > dl) {
            throw e;
          }
          Thread.sleep(100); // the store is not queryable yet (a rebalance): try again
        }
      }
      long keys = 0;
      long sum = 0;
      long mismatches = 0;
      try (KeyValueIterator<String, Long> it = store.all()) {
        while (it.hasNext()) {
          KeyValue<String, Long> kv = it.next();
          keys++;
          sum += kv.value;
          int u = Integer.parseInt(kv.key, 5, kv.key.length(), 10); // after "user-"
          if (u < 0 || u >= exp.length || exp[u] != kv.value) {
            mismatches++;
          }
        }
      }
      return new StoreCheck(n, keys, distinct, sum, mismatches, (System.nanoTime() - c0) / 1e9);
    }

    String failures() {
      StringBuilder f = new StringBuilder();
      if (sum != n) {
        f.append("sum=").append(sum).append(';');
      }
      if (keys != distinct) {
        f.append("keys=").append(keys).append(';');
      }
      if (mismatches != 0) {
        f.append("mismatched_users=").append(mismatches).append(';');
      }
      return f.toString();
    }
  }
}
