package io.uji.kafka;

import static org.awaitility.Awaitility.await;

import io.uji.streaming.BatchInfo;
import io.uji.streaming.ManualClock;
import io.uji.streaming.StreamingConfig;
import io.uji.streaming.StreamingContext;
import io.uji.streaming.StreamingListener;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A manual clock that tests move batch by batch, across the contexts of one test (a restarted
 * context continues on the same clock): {@link #runBatches} moves to each next batch time and
 * waits until that batch completed in the context {@link #watch}ed.
 */
final class BatchClock {
  static final long INTERVAL = 1000;
  static final Duration WAIT = Duration.ofSeconds(60);

  final ManualClock clock = new ManualClock(0);
  final Map<Long, BatchInfo> completed = new ConcurrentHashMap<>();
  final List<String> failures = new CopyOnWriteArrayList<>();

  StreamingConfig config() {
    return StreamingConfig.defaults().withClock(clock).withWorkerThreads(2);
  }

  /** Records the completed batches of {@code ssc}. */
  StreamingContext watch(StreamingContext ssc) {
    ssc.addStreamingListener(new StreamingListener() {
      @Override
      public void onBatchCompleted(BatchInfo b) {
        b.failureReason().ifPresent(r -> failures.add(b.batchTime() + ": " + r));
        completed.put(b.batchTime().milliseconds(), b);
      }
    });
    return ssc;
  }

  long now() {
    return clock.getTimeMillis();
  }

  /** Moves the clock one batch interval; @return the new batch time (not waited for). */
  long tick() {
    clock.advance(INTERVAL);
    return clock.getTimeMillis();
  }

  /** Runs {@code n} batches, each waited for. */
  void runBatches(int n) {
    for (int i = 0; i < n; i++) {
      long t = tick();
      await().atMost(WAIT).until(() -> completed.containsKey(t));
    }
  }

  /** Runs batches until {@code done} holds after one (at most {@code max}). */
  void runUntil(java.util.function.BooleanSupplier done, int max) {
    for (int i = 0; i < max && !done.getAsBoolean(); i++) {
      runBatches(1);
    }
    if (!done.getAsBoolean()) {
      throw new AssertionError("not done after " + max + " more batches; failures: " + failures);
    }
  }
}
