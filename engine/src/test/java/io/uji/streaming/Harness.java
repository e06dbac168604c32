package io.uji.streaming;

import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A context on a {@link ManualClock} that tests drive batch by batch: {@link #runBatches} moves
 * the clock to each next batch time and waits (Awaitility, on the listener's onBatchCompleted)
 * until that batch completed. Batch interval {@link #BATCH} ms; with the clock starting at 0 the
 * first batch is at 1000 and the zero time is 0.
 */
final class Harness implements AutoCloseable {
  static final long BATCH = 1000;
  static final java.time.Duration WAIT = java.time.Duration.ofSeconds(20);
  static final java.time.Duration POLL = java.time.Duration.ofMillis(2);

  final ManualClock clock;
  final StreamingContext ssc;
  final Map<Long, BatchInfo> completed = new ConcurrentHashMap<>();
  final List<String> failures = new CopyOnWriteArrayList<>();
  private long lastBatch;

  Harness(long startMillis, StreamingConfig config) {
    clock = new ManualClock(startMillis);
    ssc = new StreamingContext(config.withClock(clock), Durations.milliseconds(BATCH));
    ssc.addStreamingListener(new StreamingListener() {
      @Override
      public void onBatchCompleted(BatchInfo b) {
        b.failureReason().ifPresent(r -> failures.add(b.batchTime() + ": " + r));
        completed.put(b.batchTime().milliseconds(), b);
      }
    });
  }

  /** A harness with 4 worker threads and 3 shuffle partitions, the clock at 0. */
  static Harness create() {
    return new Harness(0, config());
  }

  static StreamingConfig config() {
    return StreamingConfig.defaults().withWorkerThreads(4).withDefaultParallelism(3);
  }

  /** @return the time of the {@code i}-th batch (0-based) */
  long batchTime(int i) {
    return firstBatch + i * BATCH;
  }

  /** @return Spark's zero time: the first batch time minus the interval */
  long zeroTime() {
    return firstBatch - BATCH;
  }

  private long firstBatch;

  void start() {
    firstBatch = (Math.floorDiv(clock.getTimeMillis(), BATCH) + 1) * BATCH;
    lastBatch = firstBatch - BATCH;
    ssc.start();
  }

  /** Advances the clock one batch at a time, waiting for each batch to complete. */
  void runBatches(int n) {
    for (int i = 0; i < n; i++) {
      long t = lastBatch + BATCH;
      clock.setTime(Math.max(t, clock.getTimeMillis()));
      awaitCompleted(t);
      lastBatch = t;
    }
  }

  void awaitCompleted(long t) {
    await().atMost(WAIT).pollDelay(java.time.Duration.ZERO).pollInterval(POLL).until(() -> {
      if (!failures.isEmpty()) {
        throw new AssertionError("batch failed: " + failures);
      }
      return completed.containsKey(t);
    });
  }

  /**
   * Moves the clock to the next batch and waits until a batch failed.
   *
   * @return the failure reason as the listener saw it
   */
  String runUntilFailure() {
    long t = lastBatch + BATCH;
    clock.setTime(Math.max(t, clock.getTimeMillis()));
    await().atMost(WAIT).pollDelay(java.time.Duration.ZERO).pollInterval(POLL).until(() -> !failures.isEmpty());
    lastBatch = t;
    return failures.get(0);
  }

  @Override
  public void close() {
    ssc.stop(false);
  }

  /** Collects what an output operation saw, per batch time. */
  static final class Collector<T> {
    final Map<Long, List<T>> byTime = new ConcurrentHashMap<>();
    final Map<Long, Integer> partitions = new ConcurrentHashMap<>();

    static <T> Collector<T> on(DStream<T> stream) {
      Collector<T> c = new Collector<>();
      stream.foreachBatch((d, t) -> {
        c.byTime.put(t.milliseconds(), d.collect());
        c.partitions.put(t.milliseconds(), d.numPartitions());
      });
      return c;
    }

    List<T> at(long t) {
      return byTime.get(t);
    }

    Set<Long> times() {
      return new java.util.TreeSet<>(byTime.keySet());
    }

    List<T> all() {
      List<T> out = new ArrayList<>();
      for (Long t : times()) {
        out.addAll(byTime.get(t));
      }
      return out;
    }
  }
}
