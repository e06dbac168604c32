package io.uji.examples;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.kafka.local.EventLoader;
import io.uji.kafka.local.LoadSpec;
import io.uji.kafka.local.LocalKafkaBroker;
import io.uji.kafka.local.SharedLocalKafkaBroker;
import io.uji.streaming.DStream;
import io.uji.streaming.Dataset;
import io.uji.streaming.GeneratorSpec;
import io.uji.streaming.Durations;
import io.uji.streaming.Pair;
import io.uji.streaming.StreamingContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedLocalKafkaBroker.class) // started only by the tests that take a LocalKafkaBroker
class SessionCountTest {
  private static final long N = 20_000;
  private static final long K = 300;

  private final ExecutorService executor = Executors.newSingleThreadExecutor();

  @AfterEach
  void shutDown() throws InterruptedException {
    executor.shutdownNow();
    executor.awaitTermination(10, TimeUnit.SECONDS);
  }

  /** Fast batches (50 ms, 2,000 events each): the run takes well under a second. */
  private static SessionCount.Options smallRun() {
    SessionCount.Options o = new SessionCount.Options();
    o.events = N;
    o.users = K;
    o.batch = Durations.milliseconds(50);
    o.batchEvents = 2_000;
    o.top = 3;
    return o;
  }

  private static Map<String, Long> expectedCounts() {
    Map<String, Long> m = new HashMap<>();
    for (long i = 0; i < N; i++) {
      m.merge("user-" + Long.remainderUnsigned(i * SessionCount.MUL, K), 1L, Long::sum);
    }
    return m;
  }

  @Test
  void shouldPrintTheExactTotalLineAndExitZeroAfterAllEvents() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Future<Integer> rc = executor.submit(() -> SessionCount.run(smallRun(), out));

    Awaitility.await().atMost(Duration.ofSeconds(60)).until(rc::isDone);

    String text = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(0, rc.get(), text);
    String[] lines = text.split("\n");
    assertEquals("TOTAL events=" + N + " users=" + expectedCounts().size(), lines[lines.length - 1], text);
    assertTrue(Arrays.stream(lines).anyMatch(l -> l.startsWith("batch ") && l.contains("records=2000 ")), text);
    assertTrue(Arrays.stream(lines).anyMatch(l -> l.startsWith("top 3 users: ")), text);
  }

  @Test
  void shouldCountEveryUserExactly() {
    UserCounts counts = new UserCounts();
    BatchProgress progress = new BatchProgress(N, counts, 0, 1, new PrintStream(new ByteArrayOutputStream()));
    StreamingContext ssc = SessionCount.create(smallRun(), counts, progress);
    ssc.start();
    try {
      Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> progress.totals().processed() == N);
    } finally {
      ssc.stop(true);
    }
    Map<String, Long> expected = expectedCounts();
    assertEquals(expected.size(), counts.users());
    expected.forEach((user, c) -> assertEquals(c, counts.get(user), user));
    assertEquals(new Sessions.Totals(N, N, expected.size()), progress.totals());
  }

  @Test
  void shouldEmitOneSummaryWhenAnIdleSessionEnds() {
    List<Sessions.Update> updates = new java.util.concurrent.CopyOnWriteArrayList<>();
    BatchProgress progress = new BatchProgress(0, new UserCounts(), 0, 1, new PrintStream(new ByteArrayOutputStream()));
    StreamingContext ssc = new StreamingContext(Durations.milliseconds(50));
    // two batches of 2,000 events, then the users fall idle and their sessions end after 100 ms
    DStream<String> users = ssc.generatorStream(new GeneratorSpec<>(
        i -> "user-" + Long.remainderUnsigned(i * SessionCount.MUL, K), 0, 2_000, 4_000));
    Sessions.countInto(users, Durations.milliseconds(100), d -> updates.addAll(d.collect()), progress::totals, false);
    ssc.start();
    try {
      Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> progress.totals().usersWithState() == 0
          && progress.totals().processed() == 4_000);
    } finally {
      ssc.stop(false);
    }
    Map<String, Long> ended = new HashMap<>();
    for (Sessions.Update u : updates) {
      if (u.ended()) {
        assertEquals(null, ended.put(u.user(), u.count()), "one summary per session of " + u.user());
      }
    }
    Map<String, Long> expected = new HashMap<>();
    for (long i = 0; i < 4_000; i++) {
      expected.merge("user-" + Long.remainderUnsigned(i * SessionCount.MUL, K), 1L, Long::sum);
    }
    assertEquals(expected, ended);
    assertEquals(0, progress.totals().eventsInState());
  }

  @Test
  void shouldListTopUsersByCountDescendingThenByName() {
    UserCounts counts = new UserCounts();
    counts.record(Dataset.of(List.of(
        List.of(new Sessions.Update("b", 2, false), new Sessions.Update("a", 2, false)),
        List.of(new Sessions.Update("c", 5, false), new Sessions.Update("d", 1, false),
            new Sessions.Update("e", 9, true)))));

    assertEquals(List.of(Pair.of("c", 5L), Pair.of("a", 2L), Pair.of("b", 2L)), counts.top(3));
    assertEquals(4, counts.users());
  }

  @Test
  void shouldResumeFromTheCheckpointDirectoryWithExactTotals(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
      throws Exception {
    SessionCount.Options o = smallRun();
    o.checkpoint = tmp.resolve("ckpt");
    // First run: a generator of only the first half of the events (the same generator: the
    // total is not part of its identity), stopped (not gracefully) once it processed them, as a
    // service being shut down; the second run resumes and takes the rest.
    SessionCount.Options half = smallRun();
    half.checkpoint = o.checkpoint;
    half.events = N / 2;
    BatchProgress first = new BatchProgress(N, new UserCounts(), 0, 1, new PrintStream(new ByteArrayOutputStream()));
    StreamingContext ssc = StreamingContext.getActiveOrCreate(o.checkpoint.toString(),
        () -> SessionCount.create(half, new UserCounts(), first));
    ssc.start();
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> first.totals().processed() >= N / 2);
    ssc.stop(false);
    assertEquals(N / 2, first.totals().processed(), "the first run processed only its half");

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int rc = SessionCount.run(o, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(0, rc, text);
    String[] lines = text.split("\n");
    assertEquals("TOTAL events=" + N + " users=" + expectedCounts().size(), lines[lines.length - 1], text);
  }

  /**
   * From the loader's topic to an output topic: the totals are exact, and the output topic, read
   * with read_committed, holds every user's counts growing batch by batch, the last one its total.
   */
  @Test
  void shouldCountTheEventsOfAKafkaTopicAndWriteEachBatchsUpdatedCountsToAnotherTopic(LocalKafkaBroker broker) {
    EventLoader.load(broker.bootstrapServers(), new LoadSpec("demo-events", N, K, 2));
    SessionCount.Options o = smallRun();
    o.source = SessionCount.Source.kafka;
    o.bootstrap = broker.bootstrapServers();
    o.topic = "demo-events";
    o.outputTopic = "demo-counts";
    o.maxRatePerPartition = 20_000; // 2,000 events per partition and batch of 50 ms
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    int rc = assertDoesNotThrow(() -> SessionCount.run(o, new PrintStream(bytes, true, StandardCharsets.UTF_8)));

    String text = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(0, rc, text);
    String[] lines = text.split("\n");
    assertEquals("TOTAL events=" + N + " users=" + expectedCounts().size(), lines[lines.length - 1], text);
    assertTrue(text.startsWith("Created topic demo-counts"), text);
    Map<String, List<Long>> updates = new HashMap<>();
    Map<String, Object> config = Map.of("bootstrap.servers", broker.bootstrapServers(),
        "isolation.level", "read_committed", "auto.offset.reset", "earliest");
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> tps = List.of(new TopicPartition("demo-counts", 0), new TopicPartition("demo-counts", 1));
      consumer.assign(tps);
      Map<TopicPartition, Long> end = consumer.endOffsets(tps);
      Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
        consumer.poll(Duration.ofMillis(100))
            .forEach(r -> updates.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(Long.parseLong(r.value())));
        return tps.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
      });
    }
    Map<String, Long> last = new HashMap<>();
    updates.forEach((user, counts) -> {
      for (int i = 1; i < counts.size(); i++) {
        assertTrue(counts.get(i) > counts.get(i - 1), user + ": " + counts);
      }
      last.put(user, counts.get(counts.size() - 1));
    });
    assertEquals(expectedCounts(), last);
  }

  @Test
  void shouldParseBatchIntervals() {
    DurationConverter c = new DurationConverter();
    assertEquals(Durations.milliseconds(500), c.convert("500ms"));
    assertEquals(Durations.seconds(1), c.convert("1s"));
    assertEquals(Durations.minutes(2), c.convert("2m"));
  }
}
