package io.uji.streaming;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Queryable keyed state: reads from other threads while batches run see the state as of a batch
 * boundary (never half a batch), are checked against the operator's types, and after a restart
 * see the recovered state.
 */
class KeyedStateQueryTest {
  private static final int KEYS = 2000;
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  private static long count(String key, Optional<Long> one, State<Long> state) {
    long n = state.getOption().orElse(0L) + one.orElse(0L);
    state.update(n);
    return n;
  }

  private static StreamingContext program(StreamingConfig config, long intervalMs) {
    StreamingContext ssc = new StreamingContext(config, Durations.milliseconds(intervalMs));
    // With rate 0 each batch takes exactly KEYS consecutive events: every key once.
    ssc.generatorStream(new GeneratorSpec<>(i -> "k" + (i % KEYS), 0, KEYS, -1).withIdentity("every key"))
        .mapToPair(k -> Pair.of(k, 1L))
        .mapWithState(StateSpec.function(KeyedStateQueryTest::count).types(String.class, Long.class))
        .name("counts").foreachBatch(d -> {});
    return ssc;
  }

  /**
   * @param cacheEntries per partition: 4096 holds every key on the heap; 64 keeps most of them
   *     in RocksDB only (reads then merge the cache with a RocksDB snapshot, while batches evict)
   */
  @ParameterizedTest
  @ValueSource(ints = {4096, 64})
  void readsWhileBatchesRunNeverSeeHalfABatch(int cacheEntries) throws Exception {
    StreamingConfig config = StreamingConfig.defaults().withWorkerThreads(2).withDefaultParallelism(3)
        .withStateCacheEntriesPerPartition(cacheEntries);
    StreamingContext ssc = program(config, 20);
    KeyedState<String, Long> counts = ssc.keyedState("counts", String.class, Long.class);
    AtomicLong batches = new AtomicLong();
    ssc.addStreamingListener(new StreamingListener() {
      @Override
      public void onBatchCompleted(BatchInfo b) {
        batches.incrementAndGet();
      }
    });
    List<String> torn = new CopyOnWriteArrayList<>();
    AtomicLong scans = new AtomicLong();
    AtomicLong gets = new AtomicLong();
    AtomicBoolean done = new AtomicBoolean();
    ssc.start();
    Thread reader = new Thread(() -> {
      long lastSeen = 0;
      while (!done.get()) {
        Set<Long> values;
        try (var all = counts.scan()) {
          List<Pair<String, Long>> entries = all.collect(Collectors.toList());
          values = entries.stream().map(Pair::value).collect(Collectors.toSet());
          if (!entries.isEmpty() && (entries.size() != KEYS || values.size() != 1)) {
            torn.add("scan: " + entries.size() + " keys, counts " + values);
          }
          long now = values.isEmpty() ? 0 : values.iterator().next();
          if (now < lastSeen) {
            torn.add("scan went back from " + lastSeen + " to " + now);
          }
          lastSeen = now;
        }
        scans.incrementAndGet();
        // Two gets straddle a boundary at most once: never a smaller count after a larger one.
        long a = counts.get("k1").orElse(0L);
        long b = counts.get("k" + (KEYS - 1)).orElse(0L);
        if (b < a) {
          torn.add("k1 at " + a + " then k" + (KEYS - 1) + " at " + b);
        }
        gets.incrementAndGet();
      }
    }, "test-reader");
    reader.start();
    try {
      await().atMost(WAIT).until(() -> batches.get() >= 40 && scans.get() >= 20);
    } finally {
      done.set(true);
      reader.join();
      ssc.stop(false);
    }
    assertEquals(List.of(), torn);
    assertTrue(gets.get() > 0);
  }

  @Test
  void queriesAreCheckedAgainstTheOperatorsTypesAndName() {
    StreamingContext ssc = program(StreamingConfig.defaults().withWorkerThreads(2), 1000);
    assertThrows(IllegalArgumentException.class, () -> ssc.keyedState("counts", Long.class, Long.class));
    assertThrows(IllegalArgumentException.class, () -> ssc.keyedState("counts", String.class, String.class));
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> ssc.keyedState("nope"));
    assertTrue(unknown.getMessage().contains("[counts]"), unknown.getMessage());
    KeyedState<Object, Object> wide = ssc.keyedState("counts", Object.class, Object.class);
    assertThrows(IllegalStateException.class, () -> wide.get("k1"), "readable once started");
    assertThrows(ClassCastException.class, () -> wide.get(42), "the key's class is the declared one");
  }

  @Test
  void outsideAGroupEveryKeyIsHereInTheKeyGroupItsHashPicks() {
    StreamingConfig config = StreamingConfig.defaults().withWorkerThreads(2).withClock(new ManualClock(0));
    StreamingContext ssc = program(config, 1000);
    KeyedState<String, Long> counts = ssc.keyedState("counts", String.class, Long.class);
    assertThrows(IllegalStateException.class, () -> counts.locate("k1"), "located once started");
    ssc.start();
    try {
      HashPartitioner hash = new HashPartitioner(config.stateKeyGroups());
      for (String key : List.of("k1", "k2", "other", "")) {
        assertEquals(new KeyLocation(hash.getPartition(key), true, false, Optional.empty(), List.of()),
            counts.locate(key));
      }
    } finally {
      ssc.stop(false);
    }
  }

  @Test
  void aRestartedContextAnswersFromTheRecoveredState() throws Exception {
    StreamingConfig config = StreamingConfig.defaults().withWorkerThreads(2);
    StreamingContext first = program(config, 100);
    first.checkpoint(dir.toString());
    AtomicLong completed = new AtomicLong();
    first.addStreamingListener(new StreamingListener() {
      @Override
      public void onBatchCompleted(BatchInfo b) {
        completed.incrementAndGet();
      }
    });
    first.start();
    await().atMost(WAIT).until(() -> completed.get() >= 5);
    first.stop(true);
    assertThrows(StreamingException.class, () -> first.keyedState("counts", String.class, Long.class).get("k1"),
        "a stopped context's state cannot be read");

    // A clock that stays before the next batch time: no new batch, only what recovery restores
    // (and replays of logged batches the checkpoint did not hold).
    StreamingContext again = program(config.withClock(new ManualClock(0)), 100);
    again.checkpoint(dir.toString());
    again.start();
    try {
      KeyedState<String, Long> counts = again.keyedState("counts", String.class, Long.class);
      await().atMost(WAIT).until(() -> {
        Set<Long> values = new HashSet<>();
        try (var all = counts.scan()) {
          all.forEach(p -> values.add(p.value()));
        }
        return counts.approximateCount() == KEYS && values.equals(Set.of(completed.get()));
      });
      assertEquals(Optional.of(completed.get()), counts.get("k7"), "every key once per batch before the stop");
      assertEquals(Optional.empty(), counts.get("missing"));
    } finally {
      again.stop(false);
    }
  }

  @Test
  void withoutTheOptionalModulesTheirFeaturesSayWhatIsMissing() {
    StreamingContext ssc = program(StreamingConfig.defaults().withWorkerThreads(2).withStatusPort(0), 1000);
    StreamingException page = assertThrows(StreamingException.class, ssc::start);
    assertTrue(page.getMessage().contains("uji-status"), page.getMessage());

    StreamingContext plain = program(StreamingConfig.defaults().withWorkerThreads(2), 1000);
    assertThrows(IllegalStateException.class, () -> plain.sql("select 1"), "not running");
    plain.start();
    try {
      StreamingException sql = assertThrows(StreamingException.class, () -> plain.sql("select 1"));
      assertTrue(sql.getMessage().contains("uji-sql"), sql.getMessage());
      assertEquals(Optional.empty(), plain.statusUri());
    } finally {
      plain.stop(false);
    }
  }
}
