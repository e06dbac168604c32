package io.uji.sql;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.streaming.DStream;
import io.uji.streaming.Dataset;
import io.uji.streaming.Durations;
import io.uji.streaming.Pair;
import io.uji.streaming.SqlResult;
import io.uji.streaming.State;
import io.uji.streaming.StateSpec;
import io.uji.streaming.StreamingConfig;
import io.uji.streaming.StreamingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SQL over a running context, as the seed notebook used it: each batch registered as a table
 * inside foreachBatch, and every stateful operator's state as a table named after it.
 */
class SqlOverARunningContextTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  /** A user's session as the program keeps it: the components become columns. */
  record Session(long eventCount, String lastPage) {}

  /** One click: the batch's elements for registerLatestAsTable. */
  record Click(String user, String page, int millis) {}

  private static StreamingContext ssc;
  private static final AtomicInteger batchesWithLines = new AtomicInteger();

  private static Session track(String user, Optional<String> page, State<Session> state) {
    Session before = state.getOption().orElse(new Session(0, null));
    Session after = new Session(before.eventCount() + 1, page.orElse(before.lastPage()));
    state.update(after);
    return after;
  }

  @BeforeAll
  static void start() {
    Queue<List<String>> lines = new ConcurrentLinkedQueue<>();
    lines.add(List.of("to be or not to be", "that is the question"));
    // Queries read copies of the state through its serializer: its types are registered, as
    // checkpoints need them anyway.
    ssc = new StreamingContext(StreamingConfig.defaults().withWorkerThreads(2)
        .withKryoRegistration(Session.class, 100), Durations.milliseconds(100));
    DStream<String> text = ssc.queueStream(lines, true);
    text.flatMap(l -> Arrays.asList(l.split(" ")).iterator()).mapToPair(w -> Pair.of(w, 1L))
        .reduceByKey(Long::sum).foreachBatch(d -> {
          if (!d.isEmpty()) {
            d.registerTempTable("batch_word_count");
            batchesWithLines.incrementAndGet();
          }
        });
    List<Click> clicks = List.of(new Click("ann", "/home", 12), new Click("bob", "/cart", 40),
        new Click("ann", "/cart", 7));
    // Every batch holds the same clicks (the queue's default batch), so the latest is known.
    ssc.queueStream(new ConcurrentLinkedQueue<>(), true, clicks).registerLatestAsTable("clicks");
    Queue<List<Click>> once = new ConcurrentLinkedQueue<>();
    once.add(clicks);
    DStream<Click> clicksOnce = ssc.queueStream(once, true);
    clicksOnce.registerLatestAsTable("clicks_once");
    clicksOnce.mapToPair(c -> Pair.of(c.user(), c.page()))
        .mapWithState(StateSpec.function(SqlOverARunningContextTest::track).types(String.class, Session.class))
        .name("sessions").foreachBatch(d -> {});
    ssc.start();
    await().atMost(WAIT).until(() -> batchesWithLines.get() == 1);
  }

  @AfterAll
  static void stop() {
    ssc.stop(false);
  }

  @Test
  void aBatchRegisteredInForeachBatchIsATable() {
    SqlResult r = ssc.sql("select key, value from batch_word_count order by value desc, key limit 3");
    assertEquals(List.of("key", "value"), r.columns());
    assertEquals(List.of(List.of("be", 2L), List.of("to", 2L), List.of("is", 1L)), r.rows());
  }

  @Test
  void theLatestBatchOfAStreamOfRecordsHasTheRecordsComponentsAsColumns() {
    SqlResult r = ssc.sql("select user, sum(millis) as total from clicks group by user order by user");
    assertEquals(List.of(List.of("ann", 19L), List.of("bob", 40L)), r.rows());
    SqlResult all = ssc.sql("select * from clicks limit 0");
    assertEquals(List.of("user", "page", "millis"), all.columns());
  }

  @Test
  void anEmptyLaterBatchEmptiesTheLatestTableButKeepsItsColumns() {
    await().atMost(WAIT).until(() -> ssc.sql("select count(*) from clicks_once").rows().get(0).get(0).equals(0L));
    assertEquals(List.of("user", "page", "millis"), ssc.sql("select * from clicks_once").columns());
  }

  @Test
  void aStatefulOperatorsStateIsATableNamedAfterIt() {
    SqlResult r = ssc.sql("select key, event_count, last_page from sessions order by key");
    assertEquals(List.of(List.of("ann", 2L, "/cart"), List.of("bob", 1L, "/cart")), r.rows());
    SqlResult agg = ssc.sql("select count(*), sum(event_count) from sessions");
    assertEquals(List.of(List.of(2L, 3L)), agg.rows());
  }

  @Test
  void aDatasetOfNoRunningContextCannotBeRegistered() {
    Dataset<String> loose = Dataset.of(List.of(List.of("a")));
    assertThrows(IllegalStateException.class, () -> loose.registerTempTable("loose"));
  }
}
