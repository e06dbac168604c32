package io.uji.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.streaming.Dataset;
import io.uji.streaming.Durations;
import io.uji.streaming.Pair;
import io.uji.streaming.StreamingContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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
    StreamingContext ssc = SessionCount.create(smallRun(), counts);
    ssc.start();
    try {
      Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> counts.totalEvents() == N);
    } finally {
      ssc.stop(true);
    }
    Map<String, Long> expected = expectedCounts();
    assertEquals(expected.size(), counts.users());
    expected.forEach((user, c) -> assertEquals(c, counts.get(user), user));
  }

  @Test
  void shouldListTopUsersByCountDescendingThenByName() {
    UserCounts counts = new UserCounts();
    counts.add(Dataset.of(List.of(
        List.of(Pair.of("b", 2L), Pair.of("a", 2L)),
        List.of(Pair.of("c", 5L), Pair.of("d", 1L)))));

    assertEquals(List.of(Pair.of("c", 5L), Pair.of("a", 2L), Pair.of("b", 2L)), counts.top(3));
    assertEquals(10, counts.totalEvents());
  }

  @Test
  void shouldParseBatchIntervals() {
    DurationConverter c = new DurationConverter();
    assertEquals(Durations.milliseconds(500), c.convert("500ms"));
    assertEquals(Durations.seconds(1), c.convert("1s"));
    assertEquals(Durations.minutes(2), c.convert("2m"));
  }
}
