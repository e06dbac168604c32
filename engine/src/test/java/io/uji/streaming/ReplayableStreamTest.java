package io.uji.streaming;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replayable source: batches take ranges per partition, bounded by the rate limit and by
 * backpressure; with a checkpoint directory a replayed batch reads the same ranges, so state is
 * exactly once; an unavailable source makes empty batches and loses nothing; new partitions are
 * picked up; completed positions are handed back to the source.
 */
class ReplayableStreamTest {
  private static final long INTERVAL = 1000;

  @TempDir Path tmp;
  private final ManualClock clock = new ManualClock(0);
  private final Set<Long> completed = ConcurrentHashMap.newKeySet();
  private final Map<Long, Map<String, Long>> stateAfter = new ConcurrentHashMap<>();
  private final List<Long> recordsPerBatch = new CopyOnWriteArrayList<>();

  /** An in-memory log of string records per partition; positions are list indexes. */
  static class MemorySource implements ReplayableSource<String> {
    final Map<String, List<String>> log = new ConcurrentHashMap<>();
    final AtomicBoolean unavailable = new AtomicBoolean();
    final List<Map<String, Long>> committed = new CopyOnWriteArrayList<>();
    volatile long maxRate;
    volatile long initialRate = DEFAULT_INITIAL_RATE_PER_PARTITION;
    volatile boolean backpressure = true;

    void append(String partition, String... records) {
      log.computeIfAbsent(partition, p -> new CopyOnWriteArrayList<>()).addAll(List.of(records));
    }

    @Override
    public String identity() {
      return "memory";
    }

    @Override
    public List<SourcePartition> partitions() {
      if (unavailable.get()) {
        throw new SourceUnavailableException("memory source switched off", null);
      }
      List<SourcePartition> out = new ArrayList<>();
      log.forEach((p, records) -> out.add(new SourcePartition(p, 0, records.size())));
      return out;
    }

    @Override
    public long maxRatePerPartition() {
      return maxRate;
    }

    @Override
    public long initialRatePerPartition() {
      return initialRate;
    }

    @Override
    public boolean backpressure() {
      return backpressure;
    }

    @Override
    public List<String> read(String partition, long from, long until) {
      return new ArrayList<>(log.get(partition).subList((int) from, (int) until));
    }

    @Override
    public void committed(Map<String, Long> next) {
      committed.add(Map.copyOf(next));
    }
  }

  private StreamingContext program(MemorySource source) {
    StreamingConfig cfg = StreamingConfig.defaults().withClock(clock).withWorkerThreads(2);
    StreamingContext ssc = new StreamingContext(cfg, Durations.milliseconds(INTERVAL));
    DStream<String> in = ssc.replayableStream(source);
    in.foreachBatch((d, t) -> recordsPerBatch.add(d.count()));
    in.mapToPair(r -> Pair.of(r, 1L))
        .updateStateByKey((List<Long> v, Optional<Long> s) -> Optional.of(s.orElse(0L) + v.size()))
        .name("counts")
        .checkpoint(Durations.milliseconds(2 * INTERVAL))
        .foreachBatch((d, t) -> {
          Map<String, Long> all = new HashMap<>();
          for (Pair<String, Long> p : d.collect()) {
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

  private void runBatches(int n) {
    for (int i = 0; i < n; i++) {
      clock.advance(INTERVAL);
      long t = clock.getTimeMillis();
      await().atMost(Duration.ofSeconds(30)).until(() -> completed.contains(t));
    }
  }

  private static String[] records(String prefix, int from, int until) {
    String[] r = new String[until - from];
    for (int i = from; i < until; i++) {
      r[i - from] = prefix + (i % 7);
    }
    return r;
  }

  private Map<String, Long> latestState() {
    return stateAfter.get(clock.getTimeMillis());
  }

  @Test
  void aResumedContextCountsEveryRecordExactlyOnce() {
    MemorySource source = new MemorySource();
    source.append("a", records("a", 0, 50));
    source.append("b", records("b", 0, 30));
    String dir = tmp.resolve("ckpt").toString();
    StreamingContext first = StreamingContext.getOrCreate(dir, () -> program(source));
    first.start();
    runBatches(3); // checkpoint after batch 2, batch 3 will be replayed
    source.append("a", records("a", 50, 80));
    first.stop(false);

    StreamingContext second = StreamingContext.getOrCreate(dir, () -> program(source));
    second.start();
    runBatches(3);
    second.stop(false);

    Map<String, Long> expected = new HashMap<>();
    for (String r : records("a", 0, 80)) {
      expected.merge(r, 1L, Long::sum);
    }
    for (String r : records("b", 0, 30)) {
      expected.merge(r, 1L, Long::sum);
    }
    assertEquals(expected, latestState());
    Map<String, Long> lastCommitted = source.committed.get(source.committed.size() - 1);
    assertEquals(Map.of("a", 80L, "b", 30L), lastCommitted, "completed positions handed back to the source");
  }

  @Test
  void aBacklogIsTakenInBoundedBatchesNotAllAtOnce() {
    MemorySource source = new MemorySource();
    source.maxRate = 4;
    source.append("a", records("a", 0, 20));
    StreamingContext ssc = program(source);
    ssc.start();
    runBatches(6);
    ssc.stop(false);
    assertEquals(List.of(4L, 4L, 4L, 4L, 4L, 0L), recordsPerBatch, "4 records per second of batch interval");
    assertEquals(20L, latestState().values().stream().mapToLong(Long::longValue).sum());
  }

  @Test
  void theFirstBatchOfABacklogTakesTheSourcesInitialRatePerPartition() {
    MemorySource source = new MemorySource();
    source.initialRate = 3;
    source.append("a", records("a", 0, 20));
    source.append("b", records("b", 0, 20));
    StreamingContext ssc = program(source);
    ssc.start();
    runBatches(1);
    ssc.stop(false);
    assertEquals(List.of(6L), recordsPerBatch, "3 records per partition per second of batch interval");
  }

  @Test
  void withoutBackpressureTheFirstBatchTakesTheWholeBacklogUpToTheRateLimit() {
    MemorySource source = new MemorySource();
    source.backpressure = false;
    source.maxRate = 15;
    source.append("a", records("a", 0, 20));
    source.append("b", records("b", 0, 10));
    StreamingContext ssc = program(source);
    ssc.start();
    runBatches(2);
    ssc.stop(false);
    assertEquals(List.of(25L, 5L), recordsPerBatch, "15 from a and all 10 of b, then a's last 5");
  }

  @Test
  void anUnavailableSourceMakesEmptyBatchesAndLosesNothing() {
    MemorySource source = new MemorySource();
    source.append("a", records("a", 0, 10));
    StreamingContext ssc = program(source);
    ssc.start();
    runBatches(1);
    source.unavailable.set(true);
    source.append("a", records("a", 10, 20));
    runBatches(2);
    assertEquals(ssc.getState(), StreamingContextState.ACTIVE, "the context keeps running");
    source.unavailable.set(false);
    runBatches(1);
    ssc.stop(false);
    assertEquals(List.of(10L, 0L, 0L, 10L), recordsPerBatch);
  }

  @Test
  void anUnavailableSourceIsWarnedAboutAtItsFirstEmptyBatch() {
    MemorySource source = new MemorySource();
    source.append("a", records("a", 0, 10));
    StreamingContext ssc = program(source);
    ssc.start();
    runBatches(1);
    source.unavailable.set(true);
    java.io.PrintStream err = System.err;
    java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      runBatches(2);
    } finally {
      System.setErr(err);
    }
    ssc.stop(false);
    String warnings = log.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(1, warnings.lines().filter(l -> l.contains("Source memory is unavailable")).count(), warnings);
  }

  @Test
  void aPartitionAddedWhileRunningIsReadFromItsStart() {
    MemorySource source = new MemorySource();
    source.append("a", records("a", 0, 5));
    StreamingContext ssc = program(source);
    ssc.start();
    runBatches(1);
    source.append("c", records("c", 0, 6));
    runBatches(1);
    ssc.stop(false);
    assertEquals(List.of(5L, 6L), recordsPerBatch);
    assertTrue(latestState().containsKey("c0"));
  }
}
