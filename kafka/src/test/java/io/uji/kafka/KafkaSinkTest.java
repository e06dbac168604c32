package io.uji.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.kafka.local.LocalKafkaBroker;
import io.uji.kafka.local.SharedLocalKafkaBroker;
import io.uji.streaming.Dataset;
import io.uji.streaming.Durations;
import io.uji.streaming.Pair;
import io.uji.streaming.StreamingContext;
import io.uji.streaming.Time;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transactional sink against a real broker: one transaction per batch, a replayed batch not
 * written again, a crashed producer's transaction never seen, zombies fenced, a broker restart
 * survived, and a whole program (Kafka in, state, Kafka out) exactly once across a replay.
 */
@ExtendWith(SharedLocalKafkaBroker.class)
class KafkaSinkTest {
  private static TestKafka kafka;

  @TempDir Path tmp;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeAll
  static void setUp(LocalKafkaBroker broker) {
    kafka = new TestKafka(broker);
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private KafkaSink<String> sink(String topic, String transactionalId) {
    KafkaSink<String> sink = KafkaSink.<String>builder(kafka.producerProperties())
        .topic(topic).transactionalId(transactionalId).key(v -> v).value(v -> v).build();
    toClose.add(sink);
    return sink;
  }

  private static Dataset<String> batch(String... values) {
    return Dataset.of(List.of(List.of(values)));
  }

  private static List<String> values(List<ConsumerRecord<String, String>> records) {
    return records.stream().map(ConsumerRecord::value).sorted().toList();
  }

  @Test
  void eachBatchIsCommittedOnceAndABatchReplayedAfterARestartIsNotWrittenAgain() {
    String topic = kafka.createTopic("out", 2);
    String id = TestKafka.unique("tx");
    KafkaSink<String> first = sink(topic, id);
    first.accept(batch("a1", "a2"), new Time(1000));
    first.accept(batch("b1"), new Time(2000));
    first.close();

    KafkaSink<String> restarted = sink(topic, id);
    restarted.accept(batch("b1", "b-replay-differs"), new Time(2000)); // a replay: skipped
    restarted.accept(batch("c1"), new Time(3000));

    assertEquals(List.of("a1", "a2", "b1", "c1"), values(kafka.readCommitted(topic)));
  }

  @Test
  void anAtLeastOnceSinkNeedsNoTransactionalIdHasEachBatchInKafkaWhenItReturnsAndWritesAReplayAgain() {
    String topic = kafka.createTopic("alos", 2);
    KafkaSink<String> first = KafkaSink.<String>builder(kafka.producerProperties())
        .topic(topic).atLeastOnce().key(v -> v).value(v -> v).build();
    toClose.add(first);
    first.accept(batch("a1", "a2"), new Time(1000));
    assertEquals(List.of("a1", "a2"), values(kafka.readCommitted(topic)), "flushed before accept returned");
    first.accept(batch("b1"), new Time(2000));
    first.close();

    KafkaSink<String> restarted = KafkaSink.<String>builder(kafka.producerProperties())
        .topic(topic).atLeastOnce().key(v -> v).value(v -> v).build();
    toClose.add(restarted);
    restarted.accept(batch("b1"), new Time(2000)); // a replay: written again, as at-least-once allows

    assertEquals(List.of("a1", "a2", "b1", "b1"), values(kafka.readCommitted(topic)));
  }

  @Test
  void aBatchWhoseFunctionFailsLeavesNothingVisible() {
    String topic = kafka.createTopic("fail", 1);
    KafkaSink<String> sink = KafkaSink.<String>builder(kafka.producerProperties()).topic(topic)
        .transactionalId(TestKafka.unique("tx")).key(v -> v).value(v -> {
          if (v.equals("bad")) {
            throw new IllegalArgumentException("cannot write " + v);
          }
          return v;
        }).build();
    toClose.add(sink);
    sink.accept(batch("ok"), new Time(1000));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> sink.accept(batch("x1", "x2", "bad", "x3"), new Time(2000)));
    assertEquals("cannot write bad", e.getMessage());
    assertEquals(List.of("ok"), values(kafka.readCommitted(topic)), "the failed batch's records were aborted");
  }

  @Test
  void aTransactionLeftOpenByACrashedProducerIsAbortedAndNeverSeen() {
    String topic = kafka.createTopic("crashed", 1);
    String id = TestKafka.unique("tx");
    KafkaProducer<String, String> crashed = kafka.producer(Map.of("transactional.id", id));
    try {
      crashed.initTransactions();
      crashed.beginTransaction();
      crashed.send(new ProducerRecord<>(topic, "zombie", "zombie"));
      crashed.flush(); // sent, never committed: as if the process died here
      sink(topic, id).accept(batch("live"), new Time(1000));
    } finally {
      crashed.close(java.time.Duration.ZERO);
    }
    assertEquals(List.of("live"), values(kafka.readCommitted(topic)));
  }

  @Test
  void anOlderInstanceIsFencedWithAnErrorNamingTheTransactionalId() {
    String topic = kafka.createTopic("zombie", 1);
    String id = TestKafka.unique("tx");
    KafkaSink<String> older = sink(topic, id);
    older.accept(batch("o1"), new Time(1000));
    sink(topic, id).accept(batch("n2"), new Time(2000));

    UjiKafkaException e = assertThrows(UjiKafkaException.class, () -> older.accept(batch("o3"), new Time(3000)));
    assertTrue(e.getMessage().contains(id) && e.getMessage().contains("another instance took over"), e.getMessage());
    assertEquals(List.of("n2", "o1"), values(kafka.readCommitted(topic)));
  }

  @Test
  void aMissingOutputTopicIsAClearError() {
    String topic = TestKafka.unique("missing");
    UjiKafkaException e = assertThrows(UjiKafkaException.class,
        () -> sink(topic, TestKafka.unique("tx")).accept(batch("x"), new Time(1000)));
    assertTrue(e.getMessage().contains("output topic " + topic) && e.getMessage().contains("does not exist"),
        e.getMessage());
  }

  @Test
  void aSinkUsedAfterItsContextStoppedSaysItIsClosed() {
    String topic = kafka.createTopic("closed", 1);
    KafkaSink<String> sink = sink(topic, TestKafka.unique("tx"));
    sink.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> sink.accept(batch("x"), new Time(1)));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
  }

  @Test
  void aBatchWrittenWhileTheBrokerRestartsIsCommittedOnce() throws Exception {
    String topic = kafka.createTopic("restart", 1);
    Map<String, Object> props = kafka.producerProperties();
    props.put("max.block.ms", 2000);
    props.put("delivery.timeout.ms", 3000);
    props.put("request.timeout.ms", 1000);
    KafkaSink<String> sink = KafkaSink.<String>builder(props).topic(topic).transactionalId(TestKafka.unique("tx"))
        .key(v -> v).value(v -> v).requestTimeout(Durations.seconds(2)).build();
    toClose.add(sink);
    sink.accept(batch("before"), new Time(1000));
    kafka.broker.stop();
    CompletableFuture<Void> written;
    try {
      written = CompletableFuture.runAsync(() -> sink.accept(batch("during1", "during2"), new Time(2000)));
      org.awaitility.Awaitility.await().during(java.time.Duration.ofSeconds(3)).atMost(java.time.Duration.ofSeconds(10))
          .until(() -> !written.isDone());
    } finally {
      kafka.broker.restart();
    }
    written.get(120, TimeUnit.SECONDS);
    sink.accept(batch("after"), new Time(3000));
    assertEquals(List.of("after", "before", "during1", "during2"), values(kafka.readCommitted(topic)));
  }

  /**
   * Kafka in, a count per key in updateStateByKey, every batch's updated counts out through the
   * sink; the context stops after a batch that is past its checkpoint, so the restarted one
   * replays it. Every key's updates in the output are strictly increasing, none is repeated, and
   * the last is the key's total.
   */
  @Test
  void aProgramReplayingABatchAfterARestartWritesItsOutputExactlyOnce() {
    String in = kafka.createTopic("pipe-in", 2);
    String out = kafka.createTopic("pipe-out", 2);
    String id = TestKafka.unique("tx");
    for (int p = 0; p < 2; p++) {
      try (KafkaProducer<String, String> producer = kafka.producer(Map.of())) {
        for (int i = 0; i < 300; i++) {
          producer.send(new ProducerRecord<>(in, p, "k" + (i % 7 + p * 7), "v"));
        }
      }
    }
    BatchClock batches = new BatchClock();
    String dir = tmp.resolve("ckpt").toString();
    List<KafkaSink<Pair<String, Long>>> sinks = new ArrayList<>();
    java.util.function.Supplier<StreamingContext> program = () -> {
      StreamingContext ssc = batches.watch(new StreamingContext(batches.config(),
          Durations.milliseconds(BatchClock.INTERVAL)));
      KafkaSink<Pair<String, Long>> sink = KafkaSink.<Pair<String, Long>>builder(kafka.producerProperties())
          .topic(out).transactionalId(id).key(Pair::key).value(p -> Long.toString(p.value())).build();
      sinks.add(sink);
      ssc.replayableStream(KafkaSource.<String, String>builder(kafka.consumerProperties(null)).topics(in)
              .maxRatePerPartition(60).build())
          .mapToPair(r -> Pair.of(r.key(), 1L))
          .updateStateByKey((List<Long> ones, Optional<long[]> s) -> {
            long[] st = s.orElse(new long[2]);
            return Optional.of(new long[] {st[0] + ones.size(), ones.isEmpty() ? 0 : 1});
          })
          .name("counts")
          .checkpoint(Durations.milliseconds(2 * BatchClock.INTERVAL))
          .filter(kv -> kv.value()[1] == 1)
          .map(kv -> Pair.of(kv.key(), kv.value()[0]))
          .foreachBatch(sink);
      return ssc;
    };
    StreamingContext first = StreamingContext.getOrCreate(dir, program);
    first.start();
    batches.runBatches(3); // checkpoint after batch 2: batch 3 is replayed by the next context
    first.stop(false);
    assertThrows(IllegalStateException.class, () -> sinks.get(0).accept(batch2(), new Time(99_000)),
        "the context closed its sink");

    StreamingContext second = StreamingContext.getOrCreate(dir, program);
    second.start();
    batches.runBatches(8);
    second.stop(false);

    Map<String, List<Long>> updates = new TreeMap<>();
    for (ConsumerRecord<String, String> r : kafka.readCommitted(out)) {
      updates.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(Long.parseLong(r.value()));
    }
    assertEquals(14, updates.size());
    Map<String, Long> totals = new HashMap<>();
    updates.forEach((k, list) -> {
      for (int i = 1; i < list.size(); i++) {
        assertTrue(list.get(i) > list.get(i - 1), k + ": updates not strictly increasing (a batch written twice?) "
            + list);
      }
      totals.put(k, list.get(list.size() - 1));
    });
    Map<String, Long> expected = new HashMap<>();
    for (int k = 0; k < 14; k++) {
      expected.put("k" + k, 300L / 7 + (300 % 7 > k % 7 ? 1 : 0));
    }
    assertEquals(expected, totals);
  }

  private static Dataset<Pair<String, Long>> batch2() {
    return Dataset.of(List.of(List.of(Pair.of("x", 1L))));
  }
}
