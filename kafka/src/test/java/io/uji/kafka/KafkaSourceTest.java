package io.uji.kafka;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.kafka.local.LocalKafkaBroker;
import io.uji.kafka.local.SharedLocalKafkaBroker;
import io.uji.streaming.DStream;
import io.uji.streaming.Durations;
import io.uji.streaming.Pair;
import io.uji.streaming.SourceDataLostException;
import io.uji.streaming.StreamingContext;
import io.uji.streaming.StreamingContextState;
import io.uji.streaming.StreamingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka source against a real broker (Kafka 4.4.0, KRaft, in this JVM): records and their
 * fields, exactly-once state across a restart from a checkpoint, new partitions and topics,
 * deleted records, a broker that goes away, transactional input, committed group offsets.
 */
@ExtendWith(SharedLocalKafkaBroker.class)
class KafkaSourceTest {
  private static TestKafka kafka;

  @TempDir Path tmp;
  private final BatchClock batches = new BatchClock();
  private final List<StreamingContext> contexts = new ArrayList<>();
  /** Per key, the count in the state after the latest batch. */
  private final Map<String, Long> state = new ConcurrentHashMap<>();
  private final List<Long> recordsPerBatch = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void setUp(LocalKafkaBroker broker) {
    kafka = new TestKafka(broker);
  }

  @AfterEach
  void stopContexts() {
    contexts.forEach(c -> c.stop(false));
  }

  private KafkaSource.Builder<String, String> source(String topic, String group) {
    return KafkaSource.<String, String>builder(kafka.consumerProperties(group)).topics(topic);
  }

  /**
   * Counts records per key in updateStateByKey (named "counts"), checkpointed every 2 batches;
   * also counts each batch's records (so the batch is read into a dataset that both use).
   */
  private StreamingContext countingProgram(KafkaSource<String, String> source) {
    return countingProgram(source, true);
  }

  /**
   * @param countBatches whether a second output counts each batch's records; without it the
   *     counting is the batch's only reader, and the records are pushed from the source into it
   */
  private StreamingContext countingProgram(KafkaSource<String, String> source, boolean countBatches) {
    StreamingContext ssc = batches.watch(new StreamingContext(batches.config(), Durations.milliseconds(BatchClock.INTERVAL)));
    DStream<KafkaRecord<String, String>> in = ssc.replayableStream(source);
    if (countBatches) {
      in.foreachBatch((d, t) -> recordsPerBatch.add(d.count()));
    }
    in.mapToPair(r -> Pair.of(r.key(), 1L))
        .updateStateByKey((List<Long> ones, Optional<Long> s) -> Optional.of(s.orElse(0L) + ones.size()))
        .name("counts")
        .checkpoint(Durations.milliseconds(2 * BatchClock.INTERVAL))
        .foreachBatch((d, t) -> {
          Map<String, Long> all = new HashMap<>();
          for (Pair<String, Long> p : d.collect()) {
            all.put(p.key(), p.value());
          }
          state.clear();
          state.putAll(all);
        });
    contexts.add(ssc);
    return ssc;
  }

  private static Map<String, Long> onceEach(String prefix, int from, int until) {
    Map<String, Long> m = new HashMap<>();
    for (int i = from; i < until; i++) {
      m.put(prefix + i, 1L);
    }
    return m;
  }

  private static Map<String, Long> plus(Map<String, Long> a, Map<String, Long> b) {
    Map<String, Long> m = new HashMap<>(a);
    b.forEach((k, v) -> m.merge(k, v, Long::sum));
    return m;
  }

  @Test
  void aRecordCarriesItsKeyValueTopicPartitionOffsetTimestampAndHeaders() throws Exception {
    String topic = kafka.createTopic("fields", 2);
    try (KafkaProducer<String, String> p = kafka.producer(Map.of())) {
      RecordHeaders headers = new RecordHeaders();
      headers.add("trace", "t-1".getBytes(StandardCharsets.UTF_8));
      p.send(new ProducerRecord<>(topic, 1, 1_700_000_000_000L, "k", "v", headers)).get(60, TimeUnit.SECONDS);
    }
    StreamingContext ssc = batches.watch(new StreamingContext(batches.config(), Durations.milliseconds(BatchClock.INTERVAL)));
    contexts.add(ssc);
    List<KafkaRecord<String, String>> seen = new CopyOnWriteArrayList<>();
    DStream<KafkaRecord<String, String>> stream =
        KafkaUtils.createDirectStream(ssc, List.of(topic), kafka.consumerProperties(null));
    stream.foreachBatch(d -> seen.addAll(d.collect()));
    ssc.start();
    batches.runBatches(1);

    assertEquals(1, seen.size());
    KafkaRecord<String, String> r = seen.get(0);
    assertEquals(List.of(topic, 1, 0L, 1_700_000_000_000L, "k", "v"),
        List.of(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value()));
    assertEquals("t-1", new String(r.headers().lastHeader("trace").value(), StandardCharsets.UTF_8));
  }

  @Test
  void recordsWithoutHeadersShareOneReadOnlyEmptyHeaders() {
    String topic = kafka.createTopic("noheaders", 1);
    kafka.produce(topic, 0, "k", 0, 3);
    StreamingContext ssc = batches.watch(new StreamingContext(batches.config(), Durations.milliseconds(BatchClock.INTERVAL)));
    contexts.add(ssc);
    List<KafkaRecord<String, String>> seen = new CopyOnWriteArrayList<>();
    KafkaUtils.<String, String>createDirectStream(ssc, List.of(topic), kafka.consumerProperties(null))
        .foreachBatch(d -> seen.addAll(d.collect()));
    ssc.start();
    batches.runBatches(1);

    assertEquals(3, seen.size());
    for (KafkaRecord<String, String> r : seen) {
      assertEquals(0, r.headers().toArray().length);
      assertSame(seen.get(0).headers(), r.headers(), "one shared instance");
    }
    assertThrows(IllegalStateException.class, () -> seen.get(0).headers().add("x", new byte[0]),
        "shared, so nobody may add to it");
  }

  @Test
  void theFirstBatchOfABacklogTakesTheInitialRatePerPartitionAndWithoutBackpressureAllOfIt() {
    String topic = kafka.createTopic("initial", 2);
    kafka.produce(topic, 0, "a", 0, 40);
    kafka.produce(topic, 1, "b", 0, 40);
    countingProgram(source(topic, null).initialRatePerPartition(7).build()).start();
    batches.runBatches(1);
    assertEquals(List.of(14L), recordsPerBatch, "7 records per partition per second of batch interval");

    stopContexts();
    contexts.clear();
    recordsPerBatch.clear();
    countingProgram(source(topic, null).backpressure(false).maxRatePerPartition(30).build()).start();
    batches.runBatches(2);
    assertEquals(List.of(60L, 20L), recordsPerBatch, "the rate limit only, then the rest");
  }

  @Test
  void aContextRestartedFromItsCheckpointCountsEveryRecordExactlyOnce() {
    String topic = kafka.createTopic("restart", 2);
    kafka.produce(topic, 0, "a", 0, 250);
    kafka.produce(topic, 1, "b", 0, 150);
    String dir = tmp.resolve("ckpt").toString();
    StreamingContext first = StreamingContext.getOrCreate(dir,
        () -> countingProgram(source(topic, null).maxRatePerPartition(50).build()));
    first.start();
    batches.runBatches(3); // a checkpoint after batch 2; batch 3 is replayed
    first.stop(false);
    kafka.produce(topic, 0, "a", 250, 300);

    StreamingContext second = StreamingContext.getOrCreate(dir,
        () -> countingProgram(source(topic, null).maxRatePerPartition(50).build()));
    second.start();
    Map<String, Long> expected = plus(onceEach("a", 0, 300), onceEach("b", 0, 150));
    batches.runUntil(() -> state.equals(expected), 20);
    assertEquals(List.of(50L + 50, 100L, 100L), recordsPerBatch.subList(0, 3), "50 per partition and second");
  }

  @Test
  void recordsPushedIntoTheirOnlyReaderAreCountedExactlyOnceAcrossARestart() {
    String topic = kafka.createTopic("pushed", 2);
    kafka.produce(topic, 0, "a", 0, 250);
    kafka.produce(topic, 1, "b", 0, 150);
    Map<String, Object> props = kafka.consumerProperties(null);
    props.put("max.poll.records", 7); // polls end inside ranges: the next read starts with carried records
    String dir = tmp.resolve("ckpt").toString();
    StreamingContext first = StreamingContext.getOrCreate(dir, () -> countingProgram(
        KafkaSource.<String, String>builder(props).topics(topic).maxRatePerPartition(50).build(), false));
    first.start();
    batches.runBatches(3); // a checkpoint after batch 2; batch 3 is replayed
    first.stop(false);
    kafka.produce(topic, 0, "a", 250, 300);

    StreamingContext second = StreamingContext.getOrCreate(dir, () -> countingProgram(
        KafkaSource.<String, String>builder(props).topics(topic).maxRatePerPartition(50).build(), false));
    second.start();
    Map<String, Long> expected = plus(onceEach("a", 0, 300), onceEach("b", 0, 150));
    batches.runUntil(() -> state.equals(expected), 20);
    assertEquals(expected, state);
  }

  @Test
  void aPartitionAddedWhileRunningIsReadFromItsStart() throws Exception {
    String topic = kafka.createTopic("grow", 1);
    kafka.produce(topic, 0, "a", 0, 5);
    countingProgram(source(topic, null).build()).start();
    batches.runBatches(1);
    try (Admin admin = kafka.admin()) {
      admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(2))).all().get(60, TimeUnit.SECONDS);
    }
    kafka.produce(topic, 1, "new", 0, 7);
    batches.runUntil(() -> state.equals(plus(onceEach("a", 0, 5), onceEach("new", 0, 7))), 10);
  }

  @Test
  void aPatternPicksUpATopicCreatedWhileRunning() {
    String prefix = TestKafka.unique("pattern");
    try (Admin admin = kafka.admin()) {
      TestKafka.get(admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(prefix + "-one", 1,
          (short) 1))).all());
    }
    kafka.produce(prefix + "-one", 0, "one", 0, 3);
    KafkaSource<String, String> source = KafkaSource.<String, String>builder(kafka.consumerProperties(null))
        .pattern(Pattern.compile(Pattern.quote(prefix) + "-.*")).build();
    assertEquals("kafka pattern=" + Pattern.quote(prefix) + "-.*", source.identity());
    countingProgram(source).start();
    batches.runBatches(1);
    try (Admin admin = kafka.admin()) {
      TestKafka.get(admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(prefix + "-two", 1,
          (short) 1))).all());
    }
    kafka.produce(prefix + "-two", 0, "two", 0, 4);
    batches.runUntil(() -> state.equals(plus(onceEach("one", 0, 3), onceEach("two", 0, 4))), 10);
  }

  /**
   * Runs two batches of 10 records (checkpointed), stops, deletes the records before offset 50 (as
   * retention would while the program is down or far behind), and starts again from the checkpoint
   * directory: the next batch's range [20, 30) is gone.
   */
  private StreamingContext restartAfterDeletion(String topic, DataLossPolicy policy) {
    kafka.produce(topic, 0, "a", 0, 100);
    String dir = tmp.resolve("ckpt").toString();
    StreamingContext first = StreamingContext.getOrCreate(dir,
        () -> countingProgram(source(topic, null).maxRatePerPartition(10).onDataLoss(policy).build()));
    first.start();
    batches.runBatches(2);
    first.stop(false);
    kafka.deleteRecordsBefore(topic, 0, 50);
    StreamingContext second = StreamingContext.getOrCreate(dir,
        () -> countingProgram(source(topic, null).maxRatePerPartition(10).onDataLoss(policy).build()));
    second.start();
    return second;
  }

  @Test
  void recordsDeletedBeforeTheyWereReadFailTheBatchNamingTopicPartitionAndOffsets() {
    String topic = kafka.createTopic("lost", 1);
    StreamingContext ssc = restartAfterDeletion(topic, DataLossPolicy.FAIL);
    batches.tick();

    StreamingException e = assertThrows(StreamingException.class, () -> ssc.awaitTerminationOrTimeout(60_000));
    SourceDataLostException lost = cause(e, SourceDataLostException.class);
    assertNotNull(lost, "the cause is a SourceDataLostException: " + e);
    String m = lost.getMessage();
    assertTrue(m.contains("[20, 30)") && m.contains("topic " + topic + " partition 0")
        && m.contains("earliest offset is now 50"), m);
  }

  @Test
  void theSkipPolicySkipsDeletedRecordsToTheEarliestOffset() {
    String topic = kafka.createTopic("skip", 1);
    StreamingContext ssc = restartAfterDeletion(topic, DataLossPolicy.SKIP);
    batches.runUntil(() -> state.equals(plus(onceEach("a", 0, 20), onceEach("a", 50, 100))), 20);
    assertEquals(StreamingContextState.ACTIVE, ssc.getState());
  }

  @Test
  void whileTheBrokerIsDownBatchesAreEmptyAndAfterItsRestartNothingIsLost() {
    String topic = kafka.createTopic("down", 2);
    kafka.produce(topic, 0, "a", 0, 40);
    kafka.produce(topic, 1, "b", 0, 40);
    StreamingContext ssc = countingProgram(source(topic, null).maxRatePerPartition(10)
        .requestTimeout(Durations.milliseconds(500)).build());
    ssc.start();
    batches.runBatches(1);
    kafka.broker.stop();
    try {
      batches.runBatches(3);
      assertEquals(List.of(20L, 0L, 0L, 0L), recordsPerBatch, "no records while the broker is down");
      assertEquals(StreamingContextState.ACTIVE, ssc.getState(), "the context keeps running");
    } finally {
      kafka.broker.restart();
    }
    kafka.produce(topic, 0, "a", 40, 60);
    batches.runUntil(() -> state.equals(plus(onceEach("a", 0, 60), onceEach("b", 0, 40))), 30);
  }

  @Test
  void aReadInProgressWaitsWhileTheBrokerIsDownAndCompletesWhenItIsBack() throws Exception {
    String topic = kafka.createTopic("midread", 2);
    kafka.produce(topic, 0, "a", 0, 10);
    CountDownLatch brokerStopped = new CountDownLatch(1);
    StreamingContext ssc = batches.watch(new StreamingContext(batches.config(), Durations.milliseconds(BatchClock.INTERVAL)));
    contexts.add(ssc);
    // Outputs run in registration order: this one stops the broker in batch 2 after the batch's
    // ranges were taken and before the Kafka stream (the next output) reads them.
    ssc.queueStream(new ConcurrentLinkedQueue<List<String>>(), true, List.of("tick")).foreachBatch((d, t) -> {
      if (t.milliseconds() == 2 * BatchClock.INTERVAL) {
        kafka.broker.stop();
        brokerStopped.countDown();
      }
    });
    List<String> read = new CopyOnWriteArrayList<>();
    ssc.replayableStream(source(topic, null).maxRatePerPartition(10).build())
        .foreachBatch(d -> d.collect().forEach(r -> read.add(r.value())));
    ssc.start();
    try {
      batches.runBatches(1);
      // On the partition no consumer has read yet: the second batch's records are only in the broker.
      kafka.produce(topic, 1, "b", 0, 20);
      long second = batches.tick();
      assertTrue(brokerStopped.await(60, TimeUnit.SECONDS));
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
          .until(() -> !batches.completed.containsKey(second));
    } finally {
      kafka.broker.restart();
    }
    await().atMost(BatchClock.WAIT).until(() -> batches.completed.containsKey(2 * BatchClock.INTERVAL));
    assertEquals(List.of(), batches.failures);
    batches.runBatches(1);
    assertEquals(plus(onceEach("a", 0, 10), onceEach("b", 0, 20)).keySet().stream().sorted().toList(),
        read.stream().sorted().toList());
  }

  @Test
  void abortedTransactionsAreNeverReadAndAnOpenOneIsReadOnceCommitted() {
    String topic = kafka.createTopic("txin", 1);
    try (KafkaProducer<String, String> p = kafka.producer(Map.of("transactional.id", TestKafka.unique("txin")))) {
      p.initTransactions();
      sendInTransaction(p, topic, "c", 0, 5, true);
      sendInTransaction(p, topic, "x", 0, 5, false);
      sendInTransaction(p, topic, "c", 5, 10, true);
      p.beginTransaction();
      for (int i = 10; i < 15; i++) {
        p.send(new ProducerRecord<>(topic, 0, "c" + i, "c" + i));
      }
      p.flush();
      countingProgram(source(topic, null).build()).start();
      batches.runBatches(2);
      assertEquals(onceEach("c", 0, 10), state, "aborted records and an open transaction are not read");
      p.commitTransaction();
    }
    batches.runUntil(() -> state.equals(onceEach("c", 0, 15)), 10);
    assertEquals(15L, recordsPerBatch.stream().mapToLong(Long::longValue).sum());
  }

  private static void sendInTransaction(KafkaProducer<String, String> p, String topic, String prefix, int from,
      int until, boolean commit) {
    p.beginTransaction();
    for (int i = from; i < until; i++) {
      p.send(new ProducerRecord<>(topic, 0, prefix + i, prefix + i));
    }
    if (commit) {
      p.commitTransaction();
    } else {
      p.flush();
      p.abortTransaction();
    }
  }

  @Test
  void completedBatchesAreCommittedAsTheGroupsOffsetsAndANewContextStartsThere() {
    String topic = kafka.createTopic("group", 2);
    String group = TestKafka.unique("group");
    kafka.produce(topic, 0, "a", 0, 30);
    kafka.produce(topic, 1, "b", 0, 20);
    StreamingContext first = countingProgram(source(topic, group).build());
    first.start();
    batches.runBatches(1);
    Map<TopicPartition, Long> end = kafka.endOffsets(topic, 2);
    await().atMost(BatchClock.WAIT).until(() -> kafka.groupOffsets(group).equals(end));
    first.stop(false);

    kafka.produce(topic, 0, "a", 30, 35);
    recordsPerBatch.clear();
    countingProgram(source(topic, group).build()).start(); // no checkpoint directory: the group's offsets
    batches.runBatches(1);
    assertEquals(List.of(5L), recordsPerBatch);
    assertEquals(onceEach("a", 30, 35), state);
  }

  @Test
  void latestStartsTheFirstListedPartitionsAtTheirEnd() {
    String topic = kafka.createTopic("latest", 1);
    kafka.produce(topic, 0, "old", 0, 10);
    Map<String, Object> props = kafka.consumerProperties(null);
    props.put("auto.offset.reset", "latest");
    countingProgram(KafkaSource.<String, String>builder(props).topics(topic).build()).start();
    batches.runBatches(1);
    kafka.produce(topic, 0, "new", 0, 3);
    batches.runUntil(() -> state.equals(onceEach("new", 0, 3)), 5);
  }

  @Test
  void theIdentityNamesTheTopicsNotTheBrokers() {
    KafkaSource<String, String> s = KafkaSource.<String, String>builder(kafka.consumerProperties(null))
        .topics("b", "a").build();
    assertEquals("kafka topics=a,b", s.identity());
  }

  @Test
  void aSourceWithoutBrokersOrDeserializersIsRefusedInTheUsersTerms() {
    IllegalArgumentException noBootstrap = assertThrows(IllegalArgumentException.class,
        () -> KafkaSource.builder(Map.of("key.deserializer", "x", "value.deserializer", "y")).topics("t").build());
    assertTrue(noBootstrap.getMessage().contains("bootstrap.servers"), noBootstrap.getMessage());
    IllegalArgumentException noValue = assertThrows(IllegalArgumentException.class,
        () -> KafkaSource.builder(Map.of("bootstrap.servers", "h:1", "key.deserializer", "x")).topics("t").build());
    assertTrue(noValue.getMessage().contains("value.deserializer"), noValue.getMessage());
    IllegalArgumentException noTopic = assertThrows(IllegalArgumentException.class,
        () -> KafkaSource.builder(kafka.consumerProperties(null)).build());
    assertTrue(noTopic.getMessage().contains("topics"), noTopic.getMessage());
  }

  private static <E extends Throwable> E cause(Throwable t, Class<E> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }
}
