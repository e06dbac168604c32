package io.uji.streaming;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a failing output operation does under its error policy: stop (the default), retry with a
 * backoff on the clock, skip to a handler; and that the keyed state is applied once per batch
 * whatever happens to the outputs.
 */
class OutputErrorPolicyTest {
  private static final List<List<String>> WORDS = List.of(List.of("a", "b", "a"), List.of("b"), List.of("c", "a"));

  private final Harness h = Harness.create();
  private final List<OutputOperationInfo> completedOutputs = new CopyOnWriteArrayList<>();
  private final List<OutputOperationInfo> skipped = new CopyOnWriteArrayList<>();
  /** The state after each batch, by batch time. */
  private final Map<Long, Map<String, Long>> totals = new ConcurrentHashMap<>();

  OutputErrorPolicyTest() {
    h.ssc.addStreamingListener(new StreamingListener() {
      @Override
      public void onOutputOperationCompleted(OutputOperationInfo o) {
        completedOutputs.add(o);
      }

      @Override
      public void onOutputOperationSkipped(OutputOperationInfo o) {
        skipped.add(o);
      }
    });
  }

  @AfterEach
  void stop() {
    h.close();
  }

  /** The words, counted by updateStateByKey into {@link #totals}. */
  private PairDStream<String, Long> countedWords() {
    PairDStream<String, Long> ones = TestInputs.queue(h.ssc, WORDS).mapToPair(w -> Pair.of(w, 1L));
    ones.updateStateByKey((List<Long> vs, Optional<Long> s) -> Optional.of(s.orElse(0L) + vs.size())).name("totals")
        .foreachBatch((d, t) -> totals.put(t.milliseconds(), StatelessOperatorsTest.toMap(d.collect())));
    return ones;
  }

  private void assertExactTotals(int batches) {
    Map<String, Long> expected = new java.util.HashMap<>();
    for (int i = 0; i < batches; i++) {
      WORDS.get(i).forEach(w -> expected.merge(w, 1L, Long::sum));
      assertEquals(expected, totals.get(h.batchTime(i)), "state after batch " + i + ", applied once");
    }
  }

  private long failedAttempts() {
    return completedOutputs.stream().filter(o -> o.failureReason().isPresent()).count();
  }

  @Test
  void byDefaultAFailingOutputStopsTheContextReportedOnceWithBatchAndOperation() {
    countedWords().foreachBatch(d -> {
      throw new IllegalStateException("sink down");
    });
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream original = System.err;
    System.setErr(new PrintStream(log, true));
    try {
      h.start();
      h.runUntilFailure();
      StreamingException e = assertThrows(StreamingException.class, () -> h.ssc.awaitTerminationOrTimeout(20_000));
      assertEquals("sink down", e.getCause().getMessage());
    } finally {
      System.setErr(original);
    }
    String expected = "Batch " + h.batchTime(0) + " ms failed in output operation 1 (foreachBatch at "
        + OutputErrorPolicyTest.class.getName() + ".";
    assertEquals(1, log.toString().lines().filter(l -> l.contains(expected)).count(), log.toString());
  }

  @Test
  void retryRunsOnlyTheFailingOutputAgainAfterADoublingBackoffOnTheClock() {
    PairDStream<String, Long> ones = countedWords();
    AtomicInteger otherRuns = new AtomicInteger();
    ones.foreachBatch(d -> otherRuns.incrementAndGet());
    List<Long> attempts = new CopyOnWriteArrayList<>();
    ones.foreachBatch((d, t) -> {
      if (t.milliseconds() == h.batchTime(0)) {
        attempts.add(h.clock.getTimeMillis());
        if (attempts.size() < 3) {
          throw new IllegalStateException("sink down, attempt " + attempts.size());
        }
      }
    }, OutputErrorPolicy.retry(3, Durations.milliseconds(100)));
    h.start();
    long t0 = h.batchTime(0);
    h.clock.setTime(t0);
    await().atMost(Harness.WAIT).until(() -> attempts.size() == 1);
    h.clock.setTime(t0 + 99);
    assertEquals(1, attempts.size(), "no retry before the backoff");
    h.clock.setTime(t0 + 100);
    await().atMost(Harness.WAIT).until(() -> attempts.size() == 2);
    h.clock.setTime(t0 + 300);
    h.awaitCompleted(t0);
    assertEquals(List.of(t0, t0 + 100, t0 + 300), attempts, "waits of 100 then 200 ms");
    h.runBatches(3);
    assertEquals(3, otherRuns.get(), "the other output ran once per batch");
    assertExactTotals(3);
    assertEquals(2, failedAttempts());
    assertTrue(h.failures.isEmpty(), h.failures.toString());
  }

  @Test
  void whenTheRetriesDoNotHelpTheContextStops() {
    AtomicInteger attempts = new AtomicInteger();
    countedWords().foreachBatch(d -> {
      attempts.incrementAndGet();
      throw new IllegalStateException("sink down for good");
    }, OutputErrorPolicy.retry(2, java.time.Duration.ZERO));
    h.start();
    h.runUntilFailure();
    StreamingException e = assertThrows(StreamingException.class, () -> h.ssc.awaitTerminationOrTimeout(20_000));
    assertEquals("sink down for good", e.getCause().getMessage());
    assertEquals(3, attempts.get(), "the first run and two retries");
  }

  @Test
  void skipHandsTheFailureAndTheDataToTheHandlerAndTheBatchGoesOn() {
    List<FailedOutput<Pair<String, Long>>> deadLetters = new CopyOnWriteArrayList<>();
    countedWords().foreachBatch((d, t) -> {
      if (t.milliseconds() == h.batchTime(1)) {
        throw new IllegalStateException("poison batch");
      }
    }, OutputErrorPolicy.skip(deadLetters::add));
    h.start();
    h.runBatches(3);
    assertEquals(1, deadLetters.size());
    FailedOutput<Pair<String, Long>> f = deadLetters.get(0);
    assertEquals(new Time(h.batchTime(1)), f.batchTime());
    assertEquals(1, f.outputId());
    assertTrue(f.outputName().startsWith("foreachBatch at " + OutputErrorPolicyTest.class.getName()), f.outputName());
    assertEquals(1, f.attempts());
    assertEquals("poison batch", f.error().getMessage());
    assertEquals(List.of(Pair.of("b", 1L)), f.data().orElseThrow().collect());
    assertEquals(1, skipped.size(), "one listener event");
    assertEquals(h.batchTime(1), skipped.get(0).batchTime().milliseconds());
    assertExactTotals(3);
    assertTrue(h.failures.isEmpty(), h.failures.toString());
  }

  @Test
  void retryThenSkipCountsEveryAttempt() {
    AtomicReference<FailedOutput<Pair<String, Long>>> dead = new AtomicReference<>();
    countedWords().foreachBatch(d -> {
      throw new IllegalStateException("down");
    }, OutputErrorPolicy.<Pair<String, Long>>retry(1, Duration.ofMillis(0)).thenSkip(dead::set));
    h.start();
    h.runBatches(1);
    assertEquals(2, dead.get().attempts());
    assertEquals(2, failedAttempts());
  }

  @Test
  void aFailureInTheKeyedStateIsNeverRetriedOrSkipped() {
    AtomicInteger calls = new AtomicInteger();
    AtomicReference<FailedOutput<Pair<String, Long>>> dead = new AtomicReference<>();
    TestInputs.queue(h.ssc, WORDS).mapToPair(w -> Pair.of(w, 1L))
        .updateStateByKey((List<Long> vs, Optional<Long> s) -> {
          calls.incrementAndGet();
          if (!vs.isEmpty() && s.isPresent()) {
            throw new ArithmeticException("bad update");
          }
          return Optional.of(s.orElse(0L) + vs.size());
        }).name("fragile")
        .foreachBatch(d -> { }, OutputErrorPolicy.<Pair<String, Long>>retry(3, Duration.ofMillis(0)).thenSkip(dead::set));
    h.start();
    h.runBatches(1);
    int afterFirst = calls.get();
    String failure = h.runUntilFailure();
    assertTrue(failure.contains("bad update"), failure);
    assertThrows(StreamingException.class, () -> h.ssc.awaitTerminationOrTimeout(20_000));
    assertEquals(null, dead.get(), "not skipped");
    assertTrue(calls.get() - afterFirst <= 2, "the update function ran once per key of the failed batch, not again");
  }

  @Test
  void aHandlerThatThrowsStopsTheContext() {
    RuntimeException fromHandler = new IllegalArgumentException("dead letter queue full");
    countedWords().foreachBatch(d -> {
      throw new IllegalStateException("down");
    }, OutputErrorPolicy.skip(f -> {
      throw fromHandler;
    }));
    h.start();
    h.runUntilFailure();
    StreamingException e = assertThrows(StreamingException.class, () -> h.ssc.awaitTerminationOrTimeout(20_000));
    assertSame(fromHandler, e.getCause().getCause());
    assertFalse(skipped.isEmpty());
  }
}
