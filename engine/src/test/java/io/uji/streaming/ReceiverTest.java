package io.uji.streaming;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.streaming.Harness.Collector;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReceiverTest {
  private Harness h = Harness.create();

  @AfterEach
  void stop() {
    h.close();
  }

  private void use(StreamingConfig config) {
    h.close();
    h = new Harness(0, config);
  }

  /**
   * Stores 0, 1, 2, ... one record at a time from its own thread ({@code limit} records in all,
   * or endless with -1), until stopped. {@code stored} counts the store calls that returned.
   */
  static class LoopReceiver extends Receiver<Integer> {
    final int limit;
    final int blockSize;
    final AtomicInteger stored = new AtomicInteger();
    final AtomicInteger starts = new AtomicInteger();
    final AtomicInteger stops = new AtomicInteger();
    volatile boolean storing;
    volatile Thread thread;
    volatile Throwable storeError;

    LoopReceiver(int limit) {
      this(limit, 0);
    }

    /** @param blockSize 0: store(T); otherwise store(List) of that many */
    LoopReceiver(int limit, int blockSize) {
      this.limit = limit;
      this.blockSize = blockSize;
    }

    @Override
    public void onStart() {
      starts.incrementAndGet();
      Thread t = new Thread(this::loop, "test-receiver-" + starts.get());
      t.setDaemon(true);
      thread = t;
      t.start();
    }

    void loop() {
      try {
        while (!isStopped() && (limit < 0 || stored.get() < limit)) {
          int next = stored.get();
          storing = true;
          if (blockSize == 0) {
            store(next);
            stored.incrementAndGet();
          } else {
            store(IntStream.range(next, next + blockSize).boxed().toList());
            stored.addAndGet(blockSize);
          }
          storing = false;
        }
      } catch (IllegalStateException e) {
        storeError = e;
      }
    }

    @Override
    public void onStop() {
      stops.incrementAndGet();
    }
  }

  /** Records receiver events. */
  static final class ReceiverEvents implements StreamingListener {
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<ReceiverInfo> errors = new CopyOnWriteArrayList<>();

    @Override
    public void onReceiverStarted(ReceiverInfo r) {
      events.add("started");
    }

    @Override
    public void onReceiverError(ReceiverInfo r) {
      errors.add(r);
      events.add("error");
    }

    @Override
    public void onReceiverStopped(ReceiverInfo r) {
      events.add("stopped");
    }
  }

  private static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  @Test
  void storedRecordsArriveInTheNextBatchInOrder() {
    LoopReceiver r = new LoopReceiver(2500);
    use(Harness.config().withReceiverMaxBlockRecords(100));
    Collector<Integer> c = Collector.on(h.ssc.receiverStream(r));
    h.start();
    await().atMost(Harness.WAIT).until(() -> r.stored.get() == 2500);
    h.runBatches(2);
    assertEquals(range(2500), c.at(1000));
    assertEquals(List.of(), c.at(2000));
    assertEquals(2500, h.completed.get(1000L).numRecords());
  }

  @Test
  void storedBlocksArriveWhole() {
    LoopReceiver r = new LoopReceiver(300, 50);
    Collector<Integer> c = Collector.on(h.ssc.receiverStream(r));
    h.start();
    await().atMost(Harness.WAIT).until(() -> r.stored.get() == 300);
    h.runBatches(1);
    assertEquals(range(300), c.at(1000));
    assertEquals(6, c.partitions.get(1000L), "one partition per block");
  }

  @Test
  void storeBlocksOnceMaxBufferedRecordsAreHeldAndResumesWhenTheBatchCompletes() throws InterruptedException {
    use(Harness.config().withReceiverMaxBufferedRecords(100).withReceiverMaxBlockRecords(10));
    LoopReceiver r = new LoopReceiver(-1);
    CountDownLatch release = new CountDownLatch(1);
    Collector<Integer> c = Collector.on(h.ssc.receiverStream(r));
    DStream<Integer> slow = h.ssc.queueStream(new java.util.concurrent.ConcurrentLinkedQueue<List<Integer>>(), true);
    slow.foreachBatch((d, t) -> {
      if (t.milliseconds() == 1000) {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    });
    h.start();
    // Nothing has run yet: the receiver holds 100 records and store blocks.
    await().atMost(Harness.WAIT).until(() -> r.stored.get() == 100 && r.storing);
    h.clock.setTime(1000);
    // The first batch took the 100 records but is held by the slow output: still no room.
    await().atMost(Harness.WAIT).until(() -> c.at(1000) != null);
    await().during(java.time.Duration.ofMillis(300)).atMost(Harness.WAIT).until(() -> r.stored.get() == 100);
    assertEquals(range(100), c.at(1000));
    release.countDown();
    h.awaitCompleted(1000);
    await().atMost(Harness.WAIT).until(() -> r.stored.get() == 200 && r.storing);
    await().during(java.time.Duration.ofMillis(100)).atMost(Harness.WAIT).until(() -> r.stored.get() == 200);
    h.clock.setTime(2000);
    h.awaitCompleted(2000);
    assertEquals(IntStream.range(100, 200).boxed().toList(), c.at(2000));
  }

  // The limiter's rates are pinned on a fake time source (RateLimiterTest); these only show that
  // the setting reaches both kinds of store.

  @Test
  void maxRatePerReceiverHoldsBackSingleRecordStores() {
    // At 1 record/s the first store passes and each next one waits a second more; unthrottled,
    // the receiver would store until the buffer limit at once.
    use(Harness.config().withMaxRatePerReceiver(1));
    LoopReceiver r = new LoopReceiver(-1);
    h.ssc.receiverStream(r).foreachBatch(d -> { });
    h.start();
    await().atMost(Harness.WAIT).until(() -> r.stored.get() >= 1 && r.storing);
    assertTrue(r.stored.get() < 1000, r.stored.get() + " records stored at 1 record/s");
  }

  @Test
  void stopUnblocksAReceiverWaitingInStoreAndStopsTheContext() {
    use(Harness.config().withReceiverMaxBufferedRecords(50));
    LoopReceiver r = new LoopReceiver(-1);
    h.ssc.receiverStream(r).foreachBatch(d -> { });
    h.start();
    await().atMost(Harness.WAIT).until(() -> r.stored.get() == 50 && r.storing);
    h.ssc.stop(false);
    assertEquals(StreamingContextState.STOPPED, h.ssc.getState());
    await().atMost(Harness.WAIT).until(() -> !r.thread.isAlive());
    assertNotNull(r.storeError, "store failed instead of hanging");
    assertEquals(1, r.stops.get());
    LifecycleTest.awaitNoUjiThreads();
  }

  @Test
  void stopUnblocksAReceiverThrottledByTheMaxRate() {
    use(Harness.config().withMaxRatePerReceiver(1));
    LoopReceiver r = new LoopReceiver(-1, 100);
    h.ssc.receiverStream(r).foreachBatch(d -> { });
    h.start();
    // The first block passes; the second waits ~100 s for the rate.
    await().atMost(Harness.WAIT).until(() -> r.stored.get() == 100 && r.storing);
    h.ssc.stop(false);
    await().atMost(java.time.Duration.ofSeconds(10)).until(() -> !r.thread.isAlive());
    LifecycleTest.awaitNoUjiThreads();
  }

  @Test
  void storeAfterTheContextStoppedThrows() {
    LoopReceiver r = new LoopReceiver(0);
    h.ssc.receiverStream(r).foreachBatch(d -> { });
    h.start();
    h.ssc.stop(false);
    assertThrows(IllegalStateException.class, () -> r.store(1));
    assertTrue(r.isStopped());
  }

  @Test
  void gracefulStopProcessesEverythingStoredBeforeStop() {
    LoopReceiver r = new LoopReceiver(777);
    Collector<Integer> c = Collector.on(h.ssc.receiverStream(r));
    h.start();
    h.runBatches(1);
    await().atMost(Harness.WAIT).until(() -> r.stored.get() == 777);
    h.ssc.stop(true);
    assertEquals(range(777), c.all());
  }

  @Test
  void gracefulStopWhileReceivingProcessesEveryRecordStoredBeforeStop() {
    LoopReceiver r = new LoopReceiver(-1);
    Collector<Integer> c = Collector.on(h.ssc.receiverStream(r));
    h.start();
    h.runBatches(1);
    await().atMost(Harness.WAIT).until(() -> r.stored.get() > 1000);
    int storedBeforeStop = r.stored.get();
    h.ssc.stop(true);
    List<Integer> all = c.all();
    assertTrue(all.size() >= storedBeforeStop, all.size() + " < " + storedBeforeStop);
    assertEquals(range(all.size()), all);
  }

  @Test
  void nonGracefulStopDoesNotProcessWhatWasStored() {
    LoopReceiver r = new LoopReceiver(777);
    Collector<Integer> c = Collector.on(h.ssc.receiverStream(r));
    h.start();
    await().atMost(Harness.WAIT).until(() -> r.stored.get() == 777);
    h.ssc.stop(false);
    assertEquals(List.of(), c.all());
  }

  @Test
  void nonGracefulStopDoesNotWaitForARunningBatchAndIsNotAFailure() throws InterruptedException {
    CountDownLatch never = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    TestInputs.queue(h.ssc, List.of(List.of(1))).foreachBatch(d -> {
      entered.countDown();
      try {
        never.await();
      } catch (InterruptedException e) {
        throw new IllegalStateException("interrupted", e);
      }
    });
    h.start();
    h.clock.setTime(1000);
    assertTrue(entered.await(20, java.util.concurrent.TimeUnit.SECONDS));
    h.ssc.stop(false);
    assertTrue(h.ssc.awaitTerminationOrTimeout(1), "stopped without an error");
    LifecycleTest.awaitNoUjiThreads();
  }

  @Test
  void aReceiverWhoseOnStartThrowsIsReportedAndStartedAgain() {
    use(Harness.config().withReceiverRestartDelay(Durations.milliseconds(10)));
    ReceiverEvents ev = new ReceiverEvents();
    h.ssc.addStreamingListener(ev);
    LoopReceiver r = new LoopReceiver(5) {
      @Override
      public void onStart() {
        if (starts.incrementAndGet() == 1) {
          throw new IllegalStateException("cannot connect yet");
        }
        starts.decrementAndGet();
        super.onStart();
      }
    };
    Collector<Integer> c = Collector.on(h.ssc.receiverStream(r));
    h.start();
    await().atMost(Harness.WAIT).until(() -> r.stored.get() == 5);
    h.runBatches(1);
    assertEquals(range(5), c.at(1000));
    await().atMost(Harness.WAIT).until(() -> ev.events.contains("started"));
    assertEquals(List.of("error", "stopped", "started"), ev.events);
    assertTrue(ev.errors.get(0).lastErrorMessage().contains("cannot connect yet"), ev.errors.get(0).lastErrorMessage());
    assertTrue(ev.errors.get(0).lastError() instanceof IllegalStateException);
  }

  @Test
  void aReceiverThatCallsRestartIsReportedStoppedAndStartedAgain() {
    use(Harness.config().withReceiverRestartDelay(Durations.milliseconds(10)));
    ReceiverEvents ev = new ReceiverEvents();
    h.ssc.addStreamingListener(ev);
    List<Integer> received = new ArrayList<>();
    Receiver<Integer> r = new Receiver<>() {
      final AtomicInteger starts = new AtomicInteger();

      @Override
      public void onStart() {
        int n = starts.incrementAndGet();
        Thread t = new Thread(() -> {
          store(List.of(n * 10, n * 10 + 1));
          if (n == 1) {
            restart("connection lost", new IOException("reset by peer"));
          }
        }, "test-restarting-receiver");
        t.setDaemon(true);
        t.start();
      }

      @Override
      public void onStop() { }
    };
    Collector<Integer> c = Collector.on(h.ssc.receiverStream(r));
    h.start();
    await().atMost(Harness.WAIT).until(() -> ev.events.stream().filter("started"::equals).count() == 2);
    assertEquals(List.of("started", "error", "stopped", "started"), ev.events);
    assertEquals("connection lost", ev.errors.get(0).lastErrorMessage());
    assertTrue(ev.errors.get(0).lastError() instanceof IOException);
    assertFalse(ev.errors.get(0).active());
    await().atMost(Harness.WAIT).until(() -> {
      h.runBatches(1);
      received.clear();
      received.addAll(c.all());
      return received.size() == 4;
    });
    assertEquals(List.of(10, 11, 20, 21), received);
  }

  /** Asks to be restarted from its own thread every time it starts, storing nothing (or one record). */
  static final class FailingReceiver extends Receiver<Integer> {
    final AtomicInteger starts = new AtomicInteger();
    final boolean storeFirst;

    FailingReceiver(boolean storeFirst) {
      this.storeFirst = storeFirst;
    }

    @Override
    public void onStart() {
      int n = starts.incrementAndGet();
      Thread t = new Thread(() -> {
        if (storeFirst) {
          store(List.of(n));
        }
        restart("connection refused", new IOException("refused by peer " + n));
      }, "test-failing-receiver");
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void onStop() { }

    @Override
    public String name() {
      return "flaky";
    }
  }

  @Test
  void aReceiverThatKeepsAskingForRestartsStopsTheContextAfterTheConfiguredNumber() throws Exception {
    use(Harness.config().withReceiverRestartDelay(Durations.milliseconds(1)).withReceiverMaxRestarts(3));
    ReceiverEvents ev = new ReceiverEvents();
    h.ssc.addStreamingListener(ev);
    FailingReceiver r = new FailingReceiver(false);
    h.ssc.receiverStream(r).print();
    h.start();
    StreamingException e = assertThrows(StreamingException.class, () -> h.ssc.awaitTerminationOrTimeout(20_000));
    assertTrue(e.getMessage().contains("Receiver 'flaky'") && e.getMessage().contains("3 restarts in a row")
        && e.getMessage().contains("receiverMaxRestarts") && e.getMessage().contains("connection refused"),
        e.getMessage());
    assertEquals(4, r.starts.get(), "the first start and three restarts");
    assertTrue(e.getCause().getCause() instanceof IOException, "the last cause is kept");
  }

  @Test
  void aReceiverThatStoresBetweenRestartsIsRestartedAgainAndAgain() {
    use(Harness.config().withReceiverRestartDelay(Durations.milliseconds(1)).withReceiverMaxRestarts(2));
    FailingReceiver r = new FailingReceiver(true);
    h.ssc.receiverStream(r).print();
    h.start();
    await().atMost(Harness.WAIT).until(() -> r.starts.get() >= 8);
    assertEquals(StreamingContextState.ACTIVE, h.ssc.getState());
  }

  @Test
  void aRestartIsLoggedAtWarnWithItsCause() {
    use(Harness.config().withReceiverRestartDelay(Durations.milliseconds(1)).withReceiverMaxRestarts(1));
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    java.io.PrintStream original = System.err;
    System.setErr(new java.io.PrintStream(captured, true));
    try {
      h.ssc.receiverStream(new FailingReceiver(false)).print();
      h.start();
      assertThrows(StreamingException.class, () -> h.ssc.awaitTerminationOrTimeout(20_000));
    } finally {
      System.setErr(original);
    }
    String log = captured.toString();
    assertTrue(log.contains("WARN") && log.contains("Receiver 'flaky' restarts in 1 ms (1 of at most 1 in a row")
        && log.contains("connection refused") && log.contains("java.io.IOException: refused by peer 1"), log);
  }

  @Test
  void reportErrorReachesListenersWithoutStoppingTheReceiver() {
    ReceiverEvents ev = new ReceiverEvents();
    h.ssc.addStreamingListener(ev);
    Receiver<Integer> r = new Receiver<>() {
      @Override
      public void onStart() {
        reportError("disk almost full", null);
      }

      @Override
      public void onStop() { }
    };
    h.ssc.receiverStream(r).foreachBatch(d -> { });
    h.start();
    await().atMost(Harness.WAIT).until(() -> ev.events.size() == 2);
    assertEquals(List.of("error", "started"), ev.events);
    assertTrue(ev.errors.get(0).active());
    assertFalse(r.isStopped());
  }

  @Test
  void aReceiverCanFeedOnlyOneStream() {
    LoopReceiver r = new LoopReceiver(0);
    h.ssc.receiverStream(r).foreachBatch(d -> { });
    h.ssc.receiverStream(r).foreachBatch(d -> { });
    assertThrows(IllegalStateException.class, h.ssc::start);
  }
}
