package io.uji.kafka;

import static org.awaitility.Awaitility.await;

import io.uji.streaming.BatchInfo;
import io.uji.streaming.Durations;
import io.uji.streaming.ManualClock;
import io.uji.streaming.StreamingConfig;
import io.uji.streaming.StreamingContext;
import io.uji.streaming.StreamingListener;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * One instance of a group test's program: a context on a manual clock whose batches the test runs
 * one at a time ({@link #batch()}), with every completed batch's {@link BatchInfo} kept. Tests
 * subclass it to add their program and start the context.
 */
abstract class SteppedInstance {
  final ManualClock clock = new ManualClock(0);
  final StreamingContext ssc;
  /** Per batch time, how the batch completed. */
  final Map<Long, BatchInfo> completed = new ConcurrentHashMap<>();
  private final long intervalMs;
  private long last;

  SteppedInstance(Path stateDir, long intervalMs) {
    this(stateDir, intervalMs, UnaryOperator.identity());
  }

  /** @param config adds to the test's configuration (manual clock, 2 workers, the state dir) */
  SteppedInstance(Path stateDir, long intervalMs, UnaryOperator<StreamingConfig> config) {
    this.intervalMs = intervalMs;
    ssc = new StreamingContext(config.apply(StreamingConfig.defaults().withClock(clock).withWorkerThreads(2)
        .withStateDir(stateDir)), Durations.milliseconds(intervalMs));
    ssc.addStreamingListener(new StreamingListener() {
      @Override
      public void onBatchCompleted(BatchInfo b) {
        completed.put(b.batchTime().milliseconds(), b);
      }
    });
  }

  /** Runs the next batch: moves the clock one interval on and waits until that batch completed. */
  void batch() {
    long t = last + intervalMs;
    clock.setTime(t);
    await().atMost(TestKafka.WAIT).until(() -> completed.containsKey(t));
    last = t;
  }
}
