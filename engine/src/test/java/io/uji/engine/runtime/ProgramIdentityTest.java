package io.uji.engine.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.streaming.BatchInfo;
import io.uji.streaming.Durations;
import io.uji.streaming.GeneratorSpec;
import io.uji.streaming.ManualClock;
import io.uji.streaming.Pair;
import io.uji.streaming.StreamingConfig;
import io.uji.streaming.StreamingContext;
import io.uji.streaming.StreamingException;
import io.uji.streaming.StreamingListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A checkpoint directory belongs to the program that wrote it: the same program with another
 * generator (another identity), another input directory or another batch interval is refused
 * with a message naming what differs, before the first checkpoint as after it.
 */
class ProgramIdentityTest {
  private static final long INTERVAL = 1000;

  @TempDir Path tmp;
  private final ManualClock clock = new ManualClock(0);
  private final Set<Long> completed = ConcurrentHashMap.newKeySet();

  private StreamingContext program(String generatorIdentity, long intervalMs) {
    StreamingConfig cfg = StreamingConfig.defaults().withClock(clock).withWorkerThreads(2);
    StreamingContext ssc = new StreamingContext(cfg, Durations.milliseconds(intervalMs));
    ssc.generatorStream(new GeneratorSpec<Long>(i -> i % 5, 0, 10, 1000).withIdentity(generatorIdentity))
        .mapToPair(k -> Pair.of(k, 1L))
        .updateStateByKey((List<Long> v, Optional<Long> s) -> Optional.of(s.orElse(0L) + v.size()))
        .name("counts")
        .foreachBatch((d, t) -> d.count());
    ssc.addStreamingListener(new StreamingListener() {
      @Override
      public void onBatchCompleted(BatchInfo b) {
        completed.add(b.batchTime().milliseconds());
      }
    });
    return ssc;
  }

  /** Runs {@code batches} batches of the program in {@code dir}, checkpointing every 10 (so: none if fewer). */
  private void run(Path dir, String identity, int batches) {
    StreamingContext ssc = StreamingContext.getOrCreate(dir.toString(), () -> program(identity, INTERVAL));
    ssc.start();
    long until = clock.getTimeMillis() + batches * INTERVAL;
    while (clock.getTimeMillis() < until) {
      clock.advance(INTERVAL);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> completed.contains(until));
    ssc.stop(false);
  }

  @ParameterizedTest(name = "after {0} batches")
  @ValueSource(ints = {3, 12})
  void aGeneratorWithAnotherIdentityIsRefusedBeforeAndAfterTheFirstCheckpoint(int batches) {
    Path dir = tmp.resolve("ckpt");
    run(dir, "events users=50000", batches);
    StreamingContext other = StreamingContext.getOrCreate(dir.toString(), () -> program("events users=20000", INTERVAL));
    StreamingException e = assertThrows(StreamingException.class, other::start);
    assertTrue(e.getMessage().contains("'events users=20000'") && e.getMessage().contains("'events users=50000'")
        && e.getMessage().contains("a generator stream"), e.getMessage());
  }

  @Test
  void theSameProgramResumes() {
    Path dir = tmp.resolve("ckpt");
    run(dir, "events users=50000", 12);
    run(dir, "events users=50000", 2);
  }

  @Test
  void anotherBatchIntervalIsRefusedBeforeTheFirstCheckpoint() {
    Path dir = tmp.resolve("ckpt");
    run(dir, "events", 2);
    StreamingContext other = StreamingContext.getOrCreate(dir.toString(), () -> program("events", 2 * INTERVAL));
    StreamingException e = assertThrows(StreamingException.class, other::start);
    assertTrue(e.getMessage().contains("batch interval of 1000 ms"), e.getMessage());
  }

  @Test
  void aFileStreamOfAnotherDirectoryIsRefused() {
    Path dir = tmp.resolve("ckpt");
    StreamingContext first = StreamingContext.getOrCreate(dir.toString(), () -> {
      StreamingContext ssc = program("events", INTERVAL);
      ssc.textFileStream(tmp.resolve("in-a").toString()).foreachBatch((d, t) -> d.count());
      return ssc;
    });
    first.start();
    first.stop(false);
    StreamingContext other = StreamingContext.getOrCreate(dir.toString(), () -> {
      StreamingContext ssc = program("events", INTERVAL);
      ssc.textFileStream(tmp.resolve("in-b").toString()).foreachBatch((d, t) -> d.count());
      return ssc;
    });
    StreamingException e = assertThrows(StreamingException.class, other::start);
    assertTrue(e.getMessage().contains("input 2 is a text file stream") && e.getMessage().contains("in-b"),
        e.getMessage());
  }
}
