package io.uji.metrics;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.uji.streaming.BatchInfo;
import io.uji.streaming.Durations;
import io.uji.streaming.Pair;
import io.uji.streaming.Receiver;
import io.uji.streaming.ReplayableSource;
import io.uji.streaming.SourcePartition;
import io.uji.streaming.StateSpec;
import io.uji.streaming.StreamingConfig;
import io.uji.streaming.StreamingContext;
import io.uji.streaming.StreamingListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The meters of a real context (receiver with a write-ahead log, mapWithState on RocksDB,
 * checkpoints) against what a listener and the program itself saw, in a SimpleMeterRegistry.
 */
class UjiMetricsTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int USERS = 50;

  @TempDir Path dir;

  /** Stores blocks of "user-i" records with store(List) (each block is one WAL append). */
  static final class UserReceiver extends Receiver<String> {
    final AtomicLong stored = new AtomicLong();
    final AtomicInteger blocks = new AtomicInteger();
    private volatile Thread thread;

    @Override
    public String name() {
      return "users";
    }

    @Override
    public void onStart() {
      thread = new Thread(() -> {
        int n = 0;
        while (!isStopped() && blocks.get() < 40) {
          List<String> block = new ArrayList<>();
          for (int i = 0; i < 100; i++) {
            block.add("user-" + (n++ % USERS));
          }
          try {
            store(block);
          } catch (IllegalStateException stopped) {
            return;
          }
          stored.addAndGet(block.size());
          blocks.incrementAndGet();
        }
      }, "test-receiver");
      thread.start();
    }

    @Override
    public void onStop() {}
  }

  private static long count(String user, Optional<Long> one, io.uji.streaming.State<Long> state) {
    long n = state.getOption().orElse(0L) + one.orElse(0L);
    state.update(n);
    return n;
  }

  @Test
  void metersMatchWhatTheListenerAndTheProgramSaw() throws Exception {
    MeterRegistry registry = new SimpleMeterRegistry();
    List<BatchInfo> batches = new CopyOnWriteArrayList<>();
    UserReceiver receiver = new UserReceiver();
    StreamingContext ssc = new StreamingContext(StreamingConfig.defaults().withWorkerThreads(2),
        Durations.milliseconds(200));
    ssc.checkpoint(dir.toString());
    ssc.receiverStream(receiver).mapToPair(u -> Pair.of(u, 1L))
        .mapWithState(StateSpec.function(UjiMetricsTest::count).types(String.class, Long.class))
        .name("sessions").checkpoint(Durations.milliseconds(400)).foreachBatch(d -> {});
    ssc.addStreamingListener(new StreamingListener() {
      @Override
      public void onBatchCompleted(BatchInfo b) {
        batches.add(b);
      }
    });
    UjiMetrics metrics = UjiMetrics.bind(ssc, registry);
    ssc.start();
    String ctx = registry.get("uji.batch.processing").timer().getId().getTag("context");
    await().atMost(WAIT).until(() -> receiver.blocks.get() >= 40
        && registry.find("uji.checkpoint.duration").timer().count() >= 1);
    await().atMost(WAIT).until(() -> batches.stream().mapToLong(BatchInfo::numRecords).sum() == receiver.stored.get());
    assertTrue(registry.get("uji.state.native.memory").tag("context", ctx).gauge().value() > 0,
        "RocksDB's block cache and memtables, while running");
    ssc.stop(true);

    Timer processing = registry.get("uji.batch.processing").tag("context", ctx).timer();
    assertEquals(batches.size(), processing.count());
    assertEquals(batches.stream().mapToLong(BatchInfo::processingDelay).sum(),
        (long) processing.totalTime(TimeUnit.MILLISECONDS));
    assertEquals(batches.stream().mapToLong(BatchInfo::schedulingDelay).sum(),
        (long) registry.get("uji.batch.scheduling.delay").timer().totalTime(TimeUnit.MILLISECONDS));
    assertEquals(batches.stream().mapToLong(BatchInfo::totalDelay).max().orElseThrow(),
        (long) registry.get("uji.batch.total.delay").timer().max(TimeUnit.MILLISECONDS));
    assertTrue(processing.takeSnapshot().percentileValues().length == 3, "p50, p95, p99 published");

    String input = "users"; // the receiver's name
    assertEquals(receiver.stored.get(), (long) registry.get("uji.input.records").tag("input", input).counter().count());
    assertEquals(receiver.stored.get(),
        (long) registry.get("uji.receiver.records").tag("input", input).functionCounter().count());
    FunctionTimer blocked = registry.get("uji.receiver.blocked").tag("input", input).functionTimer();
    assertTrue(blocked.count() >= 0 && blocked.totalTime(TimeUnit.NANOSECONDS) >= 0);

    assertEquals(receiver.blocks.get(), registry.get("uji.wal.append").tag("input", input).timer().count());
    assertTrue(registry.get("uji.wal.fsync").tag("input", input).timer().count() >= receiver.blocks.get(),
        "one force per block (PER_APPEND)");
    assertTrue(registry.get("uji.wal.written").tag("input", input).counter().count() > receiver.stored.get() * 6,
        "each record is at least 'user-N' plus framing");

    assertEquals(USERS, registry.get("uji.state.keys").tag("operator", "sessions").gauge().value());
    FunctionCounter hits = registry.get("uji.state.cache.gets").tags("operator", "sessions", "result", "hit")
        .functionCounter();
    FunctionCounter misses = registry.get("uji.state.cache.gets").tags("operator", "sessions", "result", "miss")
        .functionCounter();
    long batchesWithRecords = batches.stream().filter(b -> b.numRecords() > 0).count();
    assertTrue(hits.count() + misses.count() >= USERS && hits.count() + misses.count() <= USERS * batchesWithRecords,
        "one lookup per distinct key per batch: " + hits.count() + " + " + misses.count());
    assertEquals(0, misses.count(), "a new table's cache holds every key: no RocksDB reads");
    assertTrue(registry.get("uji.state.sst.size").tag("operator", "sessions").gauge().value() >= 0);

    Timer checkpoints = registry.get("uji.checkpoint.duration").timer();
    assertTrue(checkpoints.count() >= 1);
    assertEquals(checkpoints.count(), registry.get("uji.checkpoint.size").summary().count());
    assertTrue(registry.get("uji.checkpoint.size").summary().max() > 0);
    assertFalse(Double.isNaN(registry.get("uji.checkpoint.age").timeGauge().value(TimeUnit.SECONDS)));
    assertEquals(0, registry.get("uji.batch.failures").counter().count());

    metrics.close();
    assertTrue(registry.find("uji.batch.processing").timers().isEmpty(), "close removes the meters");
  }

  @Test
  void aRestartRecordsItsRecoveryAndTheBatchesItReplays() throws Exception {
    UserReceiver first = new UserReceiver();
    StreamingContext ssc = program(first);
    ssc.start();
    await().atMost(WAIT).until(() -> first.blocks.get() >= 40);
    ssc.stop(true);

    MeterRegistry registry = new SimpleMeterRegistry();
    StreamingContext again = program(new UserReceiver());
    UjiMetrics.bind(again, registry);
    again.start();
    try {
      await().atMost(WAIT).until(() -> registry.find("uji.recovery.duration").timer() != null);
      assertEquals(1, registry.get("uji.recovery.duration").timer().count());
      assertTrue(registry.get("uji.recovery.batches").counter().count() >= 0);
    } finally {
      again.stop(false);
    }
  }

  private StreamingContext program(UserReceiver receiver) {
    StreamingContext ssc = new StreamingContext(StreamingConfig.defaults().withWorkerThreads(2),
        Durations.milliseconds(200));
    ssc.checkpoint(dir.toString());
    ssc.receiverStream(receiver).mapToPair(u -> Pair.of(u, 1L))
        .mapWithState(StateSpec.function(UjiMetricsTest::count).types(String.class, Long.class))
        .name("sessions").checkpoint(Durations.milliseconds(400)).foreachBatch(d -> {});
    return ssc;
  }

  /** A partition log in memory; the source takes at most 5 records per partition per second. */
  static final class SlowSource implements ReplayableSource<String> {
    final List<String> log = new CopyOnWriteArrayList<>();

    @Override
    public String identity() {
      return "slow";
    }

    @Override
    public List<SourcePartition> partitions() {
      return List.of(new SourcePartition("p0", 0, log.size()));
    }

    @Override
    public long maxRatePerPartition() {
      return 5;
    }

    @Override
    public List<String> read(String partition, long from, long until) {
      return new ArrayList<>(log.subList((int) from, (int) until));
    }
  }

  @Test
  void aReplayableSourcesLagIsTheRecordsNotYetProcessedPerPartition() throws Exception {
    MeterRegistry registry = new SimpleMeterRegistry();
    SlowSource source = new SlowSource();
    for (int i = 0; i < 1000; i++) {
      source.log.add("r" + i);
    }
    AtomicLong processed = new AtomicLong();
    StreamingContext ssc = new StreamingContext(StreamingConfig.defaults().withWorkerThreads(2),
        Durations.milliseconds(200));
    ssc.replayableStream(source).foreachBatch(d -> processed.addAndGet(d.count()));
    UjiMetrics.bind(ssc, registry);
    ssc.start();
    try {
      await().atMost(WAIT).until(() -> processed.get() >= 3 && registry.find("uji.input.lag").gauge() != null);
      ssc.stop(true);
      double lag = registry.get("uji.input.lag").tag("partition", "p0").gauge().value();
      assertEquals(1000 - processed.get(), (long) lag);
      assertThrows(IllegalStateException.class, () -> UjiMetrics.bind(ssc, registry), "only before start");
    } finally {
      ssc.stop(false);
    }
  }
}
