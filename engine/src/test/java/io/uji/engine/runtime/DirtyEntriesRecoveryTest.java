package io.uji.engine.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.streaming.BatchInfo;
import io.uji.streaming.Durations;
import io.uji.streaming.GeneratorSpec;
import io.uji.streaming.ManualClock;
import io.uji.streaming.Pair;
import io.uji.streaming.StreamingConfig;
import io.uji.streaming.StreamingContext;
import io.uji.streaming.StreamingListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A state whose keys all change between checkpoints is checkpointed as RocksDB's copy plus the
 * dirty entries beside it ({@code uji-dirty-entries}); a crash-like stop and a restart from such a
 * checkpoint, replaying the batches after it, gives every count exactly.
 */
class DirtyEntriesRecoveryTest {
  private static final long INTERVAL = 1000;
  private static final int USERS = 3000;
  private static final int PER_BATCH = 5000;
  private static final int EVENTS = 20 * PER_BATCH;

  @TempDir Path tmp;

  private final Map<Long, Map<Integer, Long>> stateAfter = new ConcurrentHashMap<>();
  private final Set<Long> completed = ConcurrentHashMap.newKeySet();
  private final ManualClock clock = new ManualClock(0);

  private StreamingContext create() {
    // Two key groups of ~1,500 users each: every partition has enough dirty entries to keep them.
    StreamingConfig cfg = StreamingConfig.defaults().withClock(clock).withWorkerThreads(2)
        .withCheckpointsRetained(3).withStateKeyGroups(2);
    StreamingContext ssc = new StreamingContext(cfg, Durations.milliseconds(INTERVAL));
    ssc.generatorStream(new GeneratorSpec<Long>(i -> i, 0, PER_BATCH, EVENTS))
        .mapToPair(i -> Pair.of((int) (i % USERS), 1L))
        .updateStateByKey((List<Long> news, Optional<Long> old) -> Optional.of(old.orElse(0L) + news.size()))
        .name("counts")
        .checkpoint(Durations.milliseconds(2 * INTERVAL))
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

  private StreamingContext start(Path dir) {
    StreamingContext ssc = StreamingContext.getOrCreate(dir.toString(), this::create);
    ssc.start();
    return ssc;
  }

  private void runUntil(long time) {
    while (clock.getTimeMillis() < time) {
      clock.advance(INTERVAL);
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> completed.contains(time));
  }

  @Test
  void aRestartFromCheckpointsWithDirtyEntriesBesideRocksDbCountsExactly() {
    Path dir = tmp.resolve("ckpt");
    StreamingContext first = start(dir);
    runUntil(7 * INTERVAL);
    first.stop(false); // as a crash: batch 7 is after the newest checkpoint (6000) and is replayed
    Path newest = dir.resolve("checkpoints").resolve(String.format("checkpoint-%020d", 6000L)).resolve("state");
    assertTrue(Files.exists(newest.resolve("uji-dirty-entries")), "the checkpoint kept its entries beside RocksDB's copy");

    completed.clear();
    StreamingContext second = start(dir);
    long end = (EVENTS / PER_BATCH) * INTERVAL;
    runUntil(end);
    second.stop(false);

    Map<Integer, Long> expected = new HashMap<>();
    for (long i = 0; i < EVENTS; i++) {
      expected.merge((int) (i % USERS), 1L, Long::sum);
    }
    assertEquals(expected, stateAfter.get(end));
  }
}
