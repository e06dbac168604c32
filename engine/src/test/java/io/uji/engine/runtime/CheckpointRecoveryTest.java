package io.uji.engine.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.streaming.BatchInfo;
import io.uji.streaming.DStream;
import io.uji.streaming.Durations;
import io.uji.streaming.GeneratorSpec;
import io.uji.streaming.ManualClock;
import io.uji.streaming.StreamingConfig;
import io.uji.streaming.StreamingContext;
import io.uji.streaming.StreamingListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stop/restart on one checkpoint directory within a JVM: replay, fallback, refusals. */
class CheckpointRecoveryTest {
  private static final long INTERVAL = 1000;

  @TempDir
  Path tmp;

  /** Outputs of one run: batch time to its sorted events (a batch replayed overwrites with the same content). */
  private final Map<Long, List<Long>> outputs = new TreeMap<>();
  private final List<Long> outputTimes = new ArrayList<>();
  private final ConcurrentSkipListSet<Long> completed = new ConcurrentSkipListSet<>();

  private StreamingContext create(ManualClock clock, long total) {
    StreamingConfig cfg = StreamingConfig.defaults().withClock(clock).withWorkerThreads(2);
    StreamingContext ssc = new StreamingContext(cfg, Durations.milliseconds(INTERVAL));
    DStream<Long> events = ssc.generatorStream(new GeneratorSpec<Long>(i -> i, 0, 10, total));
    events.checkpoint(Durations.milliseconds(2 * INTERVAL));
    events.foreachBatch((d, t) -> {
      List<Long> sorted = d.collect().stream().sorted().collect(Collectors.toList());
      synchronized (outputs) {
        List<Long> before = outputs.put(t.milliseconds(), sorted);
        if (before != null) {
          assertEquals(before, sorted, "a replayed batch must hold the same records");
        }
        outputTimes.add(t.milliseconds());
      }
    });
    ssc.addStreamingListener(new StreamingListener() {
      @Override
      public void onBatchCompleted(BatchInfo b) {
        completed.add(b.batchTime().milliseconds());
      }
    });
    return ssc;
  }

  private void runBatches(StreamingContext ssc, ManualClock clock, int n) {
    for (int i = 0; i < n; i++) {
      clock.advance(INTERVAL);
      long t = clock.getTimeMillis();
      await().atMost(Duration.ofSeconds(20)).until(() -> completed.contains(t));
    }
  }

  private List<Long> allEvents() {
    synchronized (outputs) {
      return outputs.values().stream().flatMap(List::stream).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void restartReplaysBatchesAfterTheCheckpointWithTheSameRecords() {
    String dir = tmp.resolve("ckpt").toString();
    ManualClock clock = new ManualClock(0);
    StreamingContext first = StreamingContext.getOrCreate(dir, () -> create(clock, 100));
    first.start();
    runBatches(first, clock, 5); // batches 1000..5000; checkpoints at 2000 and 4000
    first.stop(false);

    StreamingContext second = StreamingContext.getOrCreate(dir, () -> create(clock, 100));
    second.start();
    // batch 5000 comes again (after checkpoint 4000), then new batches continue the offsets
    await().atMost(Duration.ofSeconds(20)).until(() -> outputTimes.stream().filter(t -> t == 5000L).count() == 2);
    runBatches(second, clock, 5);
    second.stop(false);

    assertEquals(LongStream.range(0, 100).boxed().collect(Collectors.toList()), allEvents(),
        "every event exactly once over distinct batch times");
  }

  @Test
  void corruptNewestCheckpointFallsBackToThePreviousOne() throws IOException {
    String dir = tmp.resolve("ckpt").toString();
    ManualClock clock = new ManualClock(0);
    StreamingContext first = StreamingContext.getOrCreate(dir, () -> create(clock, 100));
    first.start();
    runBatches(first, clock, 5);
    first.stop(false);
    Path newest = Path.of(dir, "checkpoints").toFile().listFiles().length > 0
        ? Files.list(Path.of(dir, "checkpoints")).sorted().reduce((a, b) -> b).orElseThrow() : null;
    Path meta = newest.resolve("metadata");
    byte[] bytes = Files.readAllBytes(meta);
    bytes[bytes.length / 2] ^= 0x5A;
    Files.write(meta, bytes);

    outputTimes.clear();
    StreamingContext second = StreamingContext.getOrCreate(dir, () -> create(clock, 100));
    second.start();
    // fell back to checkpoint 2000: batches 3000, 4000, 5000 run again
    await().atMost(Duration.ofSeconds(20)).until(() -> outputTimes.containsAll(List.of(3000L, 4000L, 5000L)));
    runBatches(second, clock, 5);
    second.stop(false);
    assertEquals(LongStream.range(0, 100).boxed().collect(Collectors.toList()), allEvents());
  }

  @Test
  void programWithOtherInputsIsRefused() {
    String dir = tmp.resolve("ckpt").toString();
    ManualClock clock = new ManualClock(0);
    StreamingContext first = StreamingContext.getOrCreate(dir, () -> create(clock, 100));
    first.start();
    runBatches(first, clock, 2);
    first.stop(false);

    StreamingContext other = StreamingContext.getOrCreate(dir, () -> {
      StreamingContext ssc = create(clock, 100);
      ssc.textFileStream(tmp.toString()).print();
      return ssc;
    });
    RuntimeException e = assertThrows(RuntimeException.class, other::start);
    assertTrue(e.getMessage().contains("input streams"), e.getMessage());
  }

  @Test
  void secondContextOnTheSameDirectoryIsRefused() {
    String dir = tmp.resolve("ckpt").toString();
    ManualClock clock = new ManualClock(0);
    StreamingContext first = StreamingContext.getOrCreate(dir, () -> create(clock, 100));
    first.start();
    try {
      StreamingContext second = StreamingContext.getOrCreate(dir, () -> create(clock, 100));
      RuntimeException e = assertThrows(RuntimeException.class, second::start);
      assertTrue(e.getMessage().contains(Path.of(dir).toAbsolutePath().toString()), e.getMessage());
    } finally {
      first.stop(false);
    }
  }

  @Test
  void getActiveOrCreateReturnsTheActiveContextOfThatDirectory() {
    String dirA = tmp.resolve("a").toString();
    String dirB = tmp.resolve("b").toString();
    ManualClock clock = new ManualClock(0);
    StreamingContext a = StreamingContext.getActiveOrCreate(dirA, () -> create(clock, 100));
    a.start();
    AtomicInteger created = new AtomicInteger();
    try {
      assertTrue(a == StreamingContext.getActiveOrCreate(dirA, () -> {
        created.incrementAndGet();
        return create(clock, 100);
      }));
      StreamingContext b = StreamingContext.getActiveOrCreate(dirB, () -> {
        created.incrementAndGet();
        return create(clock, 100);
      });
      assertEquals(1, created.get());
      b.start();
      assertTrue(b == StreamingContext.getActiveOrCreate(dirB, () -> create(clock, 100)));
      b.stop(false);
    } finally {
      a.stop(false);
    }
  }
}
