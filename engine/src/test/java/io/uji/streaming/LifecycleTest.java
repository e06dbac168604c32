package io.uji.streaming;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LifecycleTest {
  private final Harness h = Harness.create();

  @AfterEach
  void stop() {
    h.close();
  }

  private DStream<Integer> input() {
    return h.ssc.queueStream(new ConcurrentLinkedQueue<>(), true);
  }

  /** @return names of live threads that belong to Uji contexts */
  static Set<String> ujiThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .filter(n -> n.startsWith("uji-")).collect(Collectors.toSet());
  }

  static void awaitNoUjiThreads() {
    await().atMost(Harness.WAIT).pollInterval(Harness.POLL).untilAsserted(() -> assertEquals(Set.of(), ujiThreads()));
  }

  @Test
  void stateGoesFromInitializedToActiveToStopped() {
    input().foreachBatch(d -> { });
    assertEquals(StreamingContextState.INITIALIZED, h.ssc.getState());
    h.start();
    assertEquals(StreamingContextState.ACTIVE, h.ssc.getState());
    h.ssc.stop(false);
    assertEquals(StreamingContextState.STOPPED, h.ssc.getState());
  }

  @Test
  void noNewStreamsTransformationsOrOutputsAfterStart() {
    DStream<Integer> in = input();
    in.foreachBatch(d -> { });
    h.start();
    assertThrows(IllegalStateException.class, this::input);
    assertThrows(IllegalStateException.class, () -> in.map(x -> x));
    assertThrows(IllegalStateException.class, () -> in.foreachBatch(d -> { }));
    assertThrows(IllegalStateException.class, () -> h.ssc.remember(Durations.seconds(10)));
  }

  @Test
  void startingTwiceIsRejected() {
    input().foreachBatch(d -> { });
    h.start();
    assertThrows(IllegalStateException.class, h.ssc::start);
    assertEquals(StreamingContextState.ACTIVE, h.ssc.getState());
  }

  @Test
  void aStoppedContextCannotBeStartedAgain() {
    input().foreachBatch(d -> { });
    h.start();
    h.ssc.stop(false);
    IllegalStateException e = assertThrows(IllegalStateException.class, h.ssc::start);
    assertTrue(e.getMessage().contains("stopped"), e.getMessage());
  }

  @Test
  void startingWithoutOutputOperationsIsRejected() {
    input().map(x -> x);
    IllegalStateException e = assertThrows(IllegalStateException.class, h.ssc::start);
    assertTrue(e.getMessage().contains("output"), e.getMessage());
  }

  @Test
  void stoppingTwiceIsHarmless() {
    input().foreachBatch(d -> { });
    h.start();
    h.ssc.stop(false);
    h.ssc.stop(true);
    h.ssc.stop(false);
    assertEquals(StreamingContextState.STOPPED, h.ssc.getState());
  }

  @Test
  void stoppingAContextThatNeverStartedMakesItStopped() {
    input().foreachBatch(d -> { });
    h.ssc.stop(false);
    assertEquals(StreamingContextState.STOPPED, h.ssc.getState());
    assertThrows(IllegalStateException.class, h.ssc::start);
  }

  @Test
  void awaitTerminationOrTimeoutIsFalseWhileActiveAndTrueOnceStopped() throws Exception {
    input().foreachBatch(d -> { });
    h.start();
    assertFalse(h.ssc.awaitTerminationOrTimeout(20));
    Thread stopper = new Thread(() -> h.ssc.stop(false), "test-stopper");
    stopper.start();
    assertTrue(h.ssc.awaitTerminationOrTimeout(20_000));
    h.ssc.awaitTermination();
    stopper.join();
  }

  @Test
  void getActiveReturnsTheStartedContextUntilItStops() {
    input().foreachBatch(d -> { });
    assertNull(StreamingContext.getActive());
    h.start();
    assertSame(h.ssc, StreamingContext.getActive());
    h.ssc.stop(false);
    assertNull(StreamingContext.getActive());
  }

  @Test
  void getActiveOrCreateReturnsTheActiveContextWithoutCallingTheFactory() {
    input().foreachBatch(d -> { });
    h.start();
    AtomicInteger calls = new AtomicInteger();
    assertSame(h.ssc, StreamingContext.getActiveOrCreate(() -> {
      calls.incrementAndGet();
      return new StreamingContext(Durations.seconds(1));
    }));
    assertEquals(0, calls.get());
  }

  @Test
  void getActiveOrCreateCallsTheFactoryWhenNoContextIsActive() {
    StreamingContext created = new StreamingContext(Harness.config(), Durations.seconds(1));
    assertSame(created, StreamingContext.getActiveOrCreate(() -> created));
    assertEquals(StreamingContextState.INITIALIZED, created.getState());
  }

  @Test
  void aStoppedContextLeavesNoThreadRunning() {
    DStream<Integer> in = input();
    in.repartition(4).map(x -> x + 1).foreachBatch(d -> { });
    h.ssc.generatorStream(GeneratorSpec.perBatch(i -> i, 1000)).count().foreachBatch(d -> { });
    h.ssc.receiverStream(new ReceiverTest.LoopReceiver(-1)).foreachBatch(d -> { });
    h.start();
    h.runBatches(3);
    assertFalse(ujiThreads().isEmpty());
    h.ssc.stop(false);
    awaitNoUjiThreads();
  }

  @Test
  void aGracefullyStoppedContextLeavesNoThreadRunning() {
    h.ssc.receiverStream(new ReceiverTest.LoopReceiver(-1)).foreachBatch(d -> { });
    h.start();
    h.runBatches(2);
    h.ssc.stop(true);
    awaitNoUjiThreads();
  }

  @Test
  void unionOfSeveralStreamsThroughTheContext() {
    DStream<Integer> a = TestInputs.queue(h.ssc, List.of(List.of(1)));
    DStream<Integer> b = TestInputs.queue(h.ssc, List.of(List.of(2)));
    DStream<Integer> c = TestInputs.queue(h.ssc, List.of(List.of(3)));
    Harness.Collector<Integer> out = Harness.Collector.on(h.ssc.union(a, b, c));
    h.start();
    h.runBatches(1);
    assertEquals(List.of(1, 2, 3), out.at(1000));
  }

  @Test
  void stopFromAnOutputOperationStopsTheContextWithoutWaitingForItself() throws InterruptedException {
    List<Long> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    input().foreachBatch((d, t) -> {
      seen.add(t.milliseconds());
      if (t.milliseconds() == 2000) {
        h.ssc.stop(false);
      }
    });
    h.start();
    h.runBatches(2);
    assertTrue(h.ssc.awaitTerminationOrTimeout(20_000));
    assertEquals(List.of(1000L, 2000L), seen);
    awaitNoUjiThreads();
  }

  @Test
  void gracefulStopFromAListenerStopsTheContext() throws InterruptedException {
    input().foreachBatch(d -> { });
    h.ssc.addStreamingListener(new StreamingListener() {
      @Override
      public void onBatchCompleted(BatchInfo b) {
        h.ssc.stop(true);
      }
    });
    h.start();
    h.clock.setTime(1000);
    assertTrue(h.ssc.awaitTerminationOrTimeout(20_000));
    awaitNoUjiThreads();
  }
}
