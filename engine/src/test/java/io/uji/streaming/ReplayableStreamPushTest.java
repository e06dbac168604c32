package io.uji.streaming;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A batch of a replayable source that one consumer alone reads is pushed from the source into
 * that consumer range by range ({@link ReplayableSource#read(String, long, long, Consumer)}),
 * never collected into a list; a batch that two consumers read is collected once. Either way the
 * batch counts every record once, and its record count (for backpressure and metrics) is what
 * was read.
 */
class ReplayableStreamPushTest {
  private static final long INTERVAL = 1000;

  private final ManualClock clock = new ManualClock(0);
  private final Set<Long> completed = ConcurrentHashMap.newKeySet();
  private final List<Long> numRecords = new CopyOnWriteArrayList<>();
  private final Map<Long, Map<String, Long>> countsAt = new ConcurrentHashMap<>();

  /** The memory source of {@link ReplayableStreamTest}, counting which form of read was used. */
  static final class CountingSource extends ReplayableStreamTest.MemorySource {
    final AtomicInteger listReads = new AtomicInteger();
    final AtomicInteger pushedReads = new AtomicInteger();

    @Override
    public List<String> read(String partition, long from, long until) {
      listReads.incrementAndGet();
      return super.read(partition, from, until);
    }

    @Override
    public long read(String partition, long from, long until, Consumer<? super String> sink) {
      pushedReads.incrementAndGet();
      List<String> records = log.get(partition).subList((int) from, (int) until);
      records.forEach(sink);
      return records.size();
    }
  }

  private StreamingContext program(CountingSource source, boolean secondConsumer) {
    StreamingConfig cfg = StreamingConfig.defaults().withClock(clock).withWorkerThreads(2);
    StreamingContext ssc = new StreamingContext(cfg, Durations.milliseconds(INTERVAL));
    DStream<String> in = ssc.replayableStream(source);
    if (secondConsumer) {
      in.foreachBatch((d, t) -> d.count());
    }
    in.mapToPair(r -> Pair.of(r, 1L)).reduceByKey(Long::sum).foreachBatch((d, t) -> {
      Map<String, Long> m = new HashMap<>();
      for (Pair<String, Long> p : d.collect()) {
        m.put(p.key(), p.value());
      }
      countsAt.put(t.milliseconds(), m);
    });
    ssc.addStreamingListener(new StreamingListener() {
      @Override
      public void onBatchCompleted(BatchInfo b) {
        numRecords.add(b.numRecords());
        completed.add(b.batchTime().milliseconds());
      }
    });
    return ssc;
  }

  private void runBatch() {
    clock.advance(INTERVAL);
    long t = clock.getTimeMillis();
    await().atMost(Duration.ofSeconds(30)).until(() -> completed.contains(t));
  }

  private static CountingSource sourceWithTwoPartitions() {
    CountingSource source = new CountingSource();
    source.backpressure = false;
    source.append("a", "x", "y", "x", "x");
    source.append("b", "y", "z");
    return source;
  }

  @Test
  void aBatchThatOneConsumerReadsIsPushedIntoItAndNeverCollected() {
    CountingSource source = sourceWithTwoPartitions();
    StreamingContext ssc = program(source, false);
    ssc.start();
    try {
      runBatch();
    } finally {
      ssc.stop(false);
    }
    assertEquals(Map.of("x", 3L, "y", 2L, "z", 1L), countsAt.get(INTERVAL));
    assertEquals(2, source.pushedReads.get(), "one push per partition's range");
    assertEquals(0, source.listReads.get());
    assertEquals(List.of(6L), numRecords, "the batch's record count is what was pushed");
  }

  @Test
  void aBatchThatTwoConsumersReadIsCollectedOnce() {
    CountingSource source = sourceWithTwoPartitions();
    StreamingContext ssc = program(source, true);
    ssc.start();
    try {
      runBatch();
    } finally {
      ssc.stop(false);
    }
    assertEquals(Map.of("x", 3L, "y", 2L, "z", 1L), countsAt.get(INTERVAL));
    assertEquals(2, source.listReads.get(), "one read per partition's range, shared by both consumers");
    assertEquals(0, source.pushedReads.get());
    assertEquals(List.of(6L), numRecords);
  }
}
