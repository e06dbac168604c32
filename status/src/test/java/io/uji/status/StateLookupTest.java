package io.uji.status;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.streaming.BatchInfo;
import io.uji.streaming.Durations;
import io.uji.streaming.ManualClock;
import io.uji.streaming.Pair;
import io.uji.streaming.State;
import io.uji.streaming.StateSpec;
import io.uji.streaming.StreamingConfig;
import io.uji.streaming.StreamingContext;
import io.uji.streaming.StreamingListener;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The status page's key lookup ({@code /api/state/<operator>?key=}) over HTTP on a context outside
 * any group: every key is answered here, with the state the operator holds; what cannot be
 * answered (an unknown operator, no key, a key that is not of the operator's type) says why in a
 * 4xx. The redirect to the instance that holds a key is pinned in the kafka module's
 * KafkaGroupStateLookupTest.
 */
class StateLookupTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final long INTERVAL = 1000;

  private final ManualClock clock = new ManualClock(0);
  private final Map<Long, BatchInfo> completed = new ConcurrentHashMap<>();
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  private StreamingContext ssc;

  private static long count(Integer user, Optional<Long> one, State<Long> state) {
    long n = state.getOption().orElse(0L) + one.orElse(0L);
    state.update(n);
    return n;
  }

  @BeforeEach
  void start() {
    Queue<List<Integer>> batches = new ConcurrentLinkedQueue<>();
    List<Integer> users = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      users.add(i % 7); // user u appears 5 times for u < 2, else 4
    }
    batches.add(users);
    ssc = new StreamingContext(StreamingConfig.defaults().withClock(clock).withWorkerThreads(2).withStatusPort(0),
        Durations.milliseconds(INTERVAL));
    ssc.queueStream(batches, true).mapToPair(u -> Pair.of(u, 1L)).reduceByKey(Long::sum)
        .mapWithState(StateSpec.function(StateLookupTest::count).types(Integer.class, Long.class))
        .name("visits").foreachBatch(d -> d.count());
    ssc.addStreamingListener(new StreamingListener() {
      @Override
      public void onBatchCompleted(BatchInfo b) {
        completed.put(b.batchTime().milliseconds(), b);
      }
    });
    ssc.start();
    clock.setTime(INTERVAL);
    await().atMost(WAIT).until(() -> completed.containsKey(INTERVAL));
  }

  @AfterEach
  void stop() {
    ssc.stop(false);
  }

  private HttpResponse<String> get(String pathAndQuery) throws Exception {
    URI page = ssc.statusUri().orElseThrow();
    return http.send(HttpRequest.newBuilder(page.resolve(pathAndQuery)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aKeyOfARunningContextIsAnsweredWithItsState() throws Exception {
    HttpResponse<String> r = get("/api/state/visits?key=1");
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("{\"operator\":\"visits\",\"key\":1,\"found\":true,\"state\":5}", r.body());
    r = get("/api/state/visits?key=6");
    assertEquals("{\"operator\":\"visits\",\"key\":6,\"found\":true,\"state\":4}", r.body());
  }

  @Test
  void aKeyWithoutStateIsFoundFalseNotAnError() throws Exception {
    HttpResponse<String> r = get("/api/state/visits?key=99");
    assertEquals(200, r.statusCode());
    assertEquals("{\"operator\":\"visits\",\"key\":99,\"found\":false,\"state\":null}", r.body());
  }

  @Test
  void whatCannotBeAnsweredSaysWhyInTheUsersTerms() throws Exception {
    HttpResponse<String> r = get("/api/state/nope?key=1");
    assertEquals(404, r.statusCode());
    assertTrue(r.body().contains("No stateful operator is named 'nope'") && r.body().contains("visits"), r.body());

    r = get("/api/state/visits");
    assertEquals(400, r.statusCode());
    assertTrue(r.body().contains("Name the key"), r.body());

    r = get("/api/state/visits?key=alice");
    assertEquals(400, r.statusCode());
    assertTrue(r.body().contains("'alice' is not a Integer, the key type of this state"), r.body());

    r = get("/api/state/visits?key=1");
    assertEquals(200, r.statusCode(), "the bad requests changed nothing");
  }

  @Test
  void keysAreReadAsTheOperatorsKeyTypeFromTheirText() {
    assertEquals(42L, StateLookup.readKey("42", Long.class));
    assertEquals("a b", StateLookup.readKey("a b", String.class));
    assertEquals(true, StateLookup.readKey("TRUE", Boolean.class));
    UUID id = UUID.randomUUID();
    assertEquals(id, StateLookup.readKey(id.toString(), UUID.class));
    assertEquals("x", StateLookup.readKey("x", null), "before any key exists the text is the key");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> StateLookup.readKey("x", List.class));
    assertTrue(e.getMessage().contains("which a URL cannot name"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> StateLookup.readKey("yes", Boolean.class));
  }

  @Test
  void queryParametersAreDecodedAndTheFirstOfARepeatedOneCounts() {
    assertEquals(Map.of("key", "a b&c", "standby", "true"),
        StatusServer.queryParameters("key=a%20b%26c&standby=true&key=other"));
    assertEquals(Map.of("flag", ""), StatusServer.queryParameters("flag"));
    assertEquals(Map.of(), StatusServer.queryParameters(null));
  }
}
