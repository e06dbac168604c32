package io.uji.streaming;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ListenerTest {
  private final Harness h = Harness.create();
  private final Map<Long, BatchInfo> submitted = new ConcurrentHashMap<>();
  private final List<String> events = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    h.close();
  }

  private void listen() {
    h.ssc.addStreamingListener(new StreamingListener() {
      @Override
      public void onStreamingStarted(long time) {
        events.add("started@" + time);
      }

      @Override
      public void onBatchSubmitted(BatchInfo b) {
        submitted.put(b.batchTime().milliseconds(), b);
        events.add("submitted " + b.batchTime().milliseconds());
      }

      @Override
      public void onBatchStarted(BatchInfo b) {
        events.add("batchStarted " + b.batchTime().milliseconds());
      }

      @Override
      public void onBatchCompleted(BatchInfo b) {
        events.add("batchCompleted " + b.batchTime().milliseconds());
      }

      @Override
      public void onOutputOperationStarted(OutputOperationInfo o) {
        events.add("outputStarted " + o.batchTime().milliseconds() + " #" + o.id() + " " + o.name());
      }

      @Override
      public void onOutputOperationCompleted(OutputOperationInfo o) {
        events.add("outputCompleted " + o.batchTime().milliseconds() + " #" + o.id() + " " + o.name()
            + " " + o.duration() + "ms " + o.failureReason().orElse("ok"));
      }
    });
  }

  @Test
  void delaysFollowSparksDefinitionsOnTheManualClock() throws InterruptedException {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    TestInputs.queue(h.ssc, List.of(List.of(1, 2, 3), List.of(4, 5))).foreachBatch((d, t) -> {
      if (t.milliseconds() == 1000) {
        entered.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    });
    listen();
    h.start();
    h.clock.setTime(1000);
    // Batch 1000: submitted and started at 1000, held until the clock reads 2300.
    assertEquals(true, entered.await(20, TimeUnit.SECONDS));
    h.clock.setTime(2000);
    await().atMost(Harness.WAIT).until(() -> submitted.containsKey(2000L));
    h.clock.setTime(2300);
    release.countDown();
    h.awaitCompleted(2000);

    BatchInfo first = h.completed.get(1000L);
    assertEquals(3, first.numRecords());
    assertEquals(1000, first.submissionTime());
    assertEquals(1000, first.processingStartTime());
    assertEquals(2300, first.processingEndTime());
    assertEquals(0, first.schedulingDelay());
    assertEquals(1300, first.processingDelay());
    assertEquals(1300, first.totalDelay());
    assertEquals(Optional.empty(), first.failureReason());

    BatchInfo second = h.completed.get(2000L);
    assertEquals(2, second.numRecords());
    assertEquals(2000, second.submissionTime());
    assertEquals(300, second.schedulingDelay(), "waited for the first batch");
    assertEquals(0, second.processingDelay());
    assertEquals(300, second.totalDelay());
  }

  @Test
  void eachBatchReportsSubmittedStartedOutputsAndCompletedInOrder() {
    DStream<Integer> in = TestInputs.queue(h.ssc, List.of(List.of(1)));
    in.foreachBatch(d -> { });
    in.window(Durations.milliseconds(2000), Durations.milliseconds(2000)).print();
    listen();
    h.start();
    h.runBatches(2);
    await().atMost(Harness.WAIT).until(() -> events.contains("batchCompleted 2000"));
    List<String> expected = new ArrayList<>(List.of("started@0",
        "submitted 1000", "batchStarted 1000",
        "outputStarted 1000 #0 foreachBatch", "outputCompleted 1000 #0 foreachBatch 0ms ok",
        "batchCompleted 1000",
        "submitted 2000", "batchStarted 2000",
        "outputStarted 2000 #0 foreachBatch", "outputCompleted 2000 #0 foreachBatch 0ms ok",
        "outputStarted 2000 #1 print", "outputCompleted 2000 #1 print 0ms ok",
        "batchCompleted 2000"));
    assertEquals(expected, events);
  }

  @Test
  void aListenerThatThrowsKeepsReceivingEvents() {
    List<Long> seen = new CopyOnWriteArrayList<>();
    h.ssc.addStreamingListener(new StreamingListener() {
      @Override
      public void onBatchCompleted(BatchInfo b) {
        seen.add(b.batchTime().milliseconds());
        throw new IllegalStateException("listener bug");
      }
    });
    TestInputs.queue(h.ssc, List.of(List.of(1))).foreachBatch(d -> { });
    h.start();
    h.runBatches(3);
    await().atMost(Harness.WAIT).until(() -> seen.size() == 3);
    assertEquals(List.of(1000L, 2000L, 3000L), seen);
  }

  @Test
  void aFailingOutputIsReportedAndStopsTheContextWithItsError() throws InterruptedException {
    TestInputs.queue(h.ssc, List.of(List.of(1), List.of(2))).foreachBatch((d, t) -> {
      if (t.milliseconds() == 2000) {
        throw new IllegalArgumentException("boom in output");
      }
    });
    listen();
    h.start();
    h.runBatches(1);
    h.clock.setTime(2000);
    StreamingException e = org.junit.jupiter.api.Assertions.assertThrows(StreamingException.class,
        () -> h.ssc.awaitTerminationOrTimeout(20_000));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("boom in output"), e.getMessage());
    assertEquals(StreamingContextState.STOPPED, h.ssc.getState());
    BatchInfo failed = h.completed.get(2000L);
    org.junit.jupiter.api.Assertions.assertTrue(failed.failureReason().orElseThrow().contains("boom in output"));
    org.junit.jupiter.api.Assertions.assertTrue(events.stream().anyMatch(
        s -> s.startsWith("outputCompleted 2000 #0 foreachBatch") && s.contains("boom in output")), events.toString());
  }
}
