package io.uji.engine.runtime;

import static org.awaitility.Awaitility.await;

import io.uji.streaming.BatchInfo;
import io.uji.streaming.Durations;
import io.uji.streaming.GeneratorSpec;
import io.uji.streaming.ManualClock;
import io.uji.streaming.Pair;
import io.uji.streaming.StreamingConfig;
import io.uji.streaming.StreamingContext;
import io.uji.streaming.StreamingListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * The program of the recovery tests that restart from checkpoints on a manual clock: generated
 * events {@code i} counted per key {@code i % keys} with {@code updateStateByKey} ("counts",
 * checkpointed every two batches), the whole state recorded after every batch. The test drives
 * the clock ({@link #runUntil}) and compares {@link #stateAfter} with what it expects.
 */
final class CheckpointedCountJob {
  final long interval;
  private final int keys;
  private final int perBatch;
  private final long events;
  private final UnaryOperator<StreamingConfig> config;
  /** Batch time to the complete state after that batch (updateStateByKey emits every key). */
  final Map<Long, Map<Integer, Long>> stateAfter = new ConcurrentHashMap<>();
  /** Batch times completed since the last {@code completed.clear()}. */
  final Set<Long> completed = ConcurrentHashMap.newKeySet();
  /** The clock of the contexts created from now on (a test may swap it for a context of its own). */
  ManualClock clock = new ManualClock(0);

  /**
   * @param config what the test changes in the defaults (2 worker threads, 3 checkpoints retained)
   */
  CheckpointedCountJob(long interval, int keys, int perBatch, long events, UnaryOperator<StreamingConfig> config) {
    this.interval = interval;
    this.keys = keys;
    this.perBatch = perBatch;
    this.events = events;
    this.config = config;
  }

  StreamingContext create() {
    StreamingConfig cfg = config.apply(StreamingConfig.defaults().withClock(clock).withWorkerThreads(2)
        .withCheckpointsRetained(3));
    StreamingContext ssc = new StreamingContext(cfg, Durations.milliseconds(interval));
    ssc.generatorStream(new GeneratorSpec<Long>(i -> i, 0, perBatch, events))
        .mapToPair(i -> Pair.of((int) (i % keys), 1L))
        .updateStateByKey((List<Long> news, Optional<Long> old) -> Optional.of(old.orElse(0L) + news.size()))
        .name("counts")
        .checkpoint(Durations.milliseconds(2 * interval))
        .foreachBatch((d, t) -> {
          Map<Integer, Long> all = new HashMap<>();
          for (Pair<Integer, Long> p : d.collect()) {
            all.put(p.key(), p.value());
          }
          stateAfter.put(t.milliseconds(), all);
        });
    ssc.addStreamingListener(new StreamingListener() {
      @Override
      public void onBatchCompleted(BatchInfo b) {
        completed.add(b.batchTime().milliseconds());
      }
    });
    return ssc;
  }

  /** @return the context of {@code dir}'s checkpoints (or a new one), started */
  StreamingContext start(Path dir) {
    StreamingContext ssc = StreamingContext.getOrCreate(dir.toString(), this::create);
    ssc.start();
    return ssc;
  }

  /** Advances the clock to {@code time} and waits until the batch of that time completed. */
  void runUntil(long time) {
    while (clock.getTimeMillis() < time) {
      clock.advance(interval);
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> completed.contains(time));
  }

  /** @return every key's count after all events */
  Map<Integer, Long> expectedFinalState() {
    Map<Integer, Long> expected = new HashMap<>();
    for (long i = 0; i < events; i++) {
      expected.merge((int) (i % keys), 1L, Long::sum);
    }
    return expected;
  }
}
