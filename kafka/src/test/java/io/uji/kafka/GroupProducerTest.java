package io.uji.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.engine.cluster.BatchCommit;
import io.uji.engine.cluster.ChangeWriter;
import io.uji.engine.cluster.InputRange;
import io.uji.engine.cluster.StateChange;
import io.uji.kafka.local.LocalKafkaBroker;
import io.uji.kafka.local.SharedLocalKafkaBroker;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** One Kafka transaction per batch: changelog records and input offsets commit together, or not at all. */
@ExtendWith(SharedLocalKafkaBroker.class)
class GroupProducerTest {
  private static TestKafka kafka;
  private String app;
  private String input;
  private String changelog;
  private String topicId;
  private final List<GroupProducer> producers = new ArrayList<>();

  @BeforeAll
  static void setUp(LocalKafkaBroker broker) {
    kafka = new TestKafka(broker);
  }

  @BeforeEach
  void topics() {
    app = TestKafka.unique("gp");
    input = kafka.createTopic("gp-in", 2);
    changelog = ChangelogTopics.name(app, "counts");
    try (Admin admin = kafka.admin()) {
      Map<String, Uuid> ids = new ChangelogTopics(admin, TestKafka.WAIT, (short) -1, Map.of()).ensure(List.of(changelog), 2);
      topicId = ids.get(changelog).toString();
      TestKafka.awaitLeaders(admin, changelog, 2);
    }
  }

  @AfterEach
  void close() {
    producers.forEach(GroupProducer::close);
  }

  private GroupProducer producer() {
    return producer(() -> new ConsumerGroupMetadata(app));
  }

  private GroupProducer producer(java.util.function.Supplier<ConsumerGroupMetadata> metadata) {
    GroupProducer p = new GroupProducer(Map.of("bootstrap.servers", kafka.bootstrap()), app + "-uji-i0",
        List.of(input), Map.of("counts", changelog), Map.of("counts", topicId), 2, metadata,
        Duration.ofSeconds(20), Map.of());
    producers.add(p);
    p.start();
    return p;
  }

  private static byte[] key(int group, String k) {
    byte[] b = k.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[b.length + 2];
    out[0] = (byte) (group >>> 8);
    out[1] = (byte) group;
    System.arraycopy(b, 0, out, 2, b.length);
    return out;
  }

  /** A batch whose changes are written from several threads, as the engine's workers do. */
  private BatchCommit batch(long time, List<InputRange> ranges, List<StateChange> changes) {
    java.util.Set<Integer> groups = new java.util.TreeSet<>();
    ranges.forEach(r -> groups.add(r.group()));
    changes.forEach(c -> groups.add(c.group()));
    return batch(time, ranges, changes, groups);
  }

  private BatchCommit batch(long time, List<InputRange> ranges, List<StateChange> changes, java.util.Set<Integer> groups) {
    return new BatchCommit() {
      @Override
      public java.util.Set<Integer> groups() {
        return groups;
      }

      @Override
      public long batchTimeMs() {
        return time;
      }

      @Override
      public List<InputRange> ranges() {
        return ranges;
      }

      @Override
      public void drainChanges(ChangeWriter writer) {
        changes.parallelStream().forEach(writer::write);
      }
    };
  }

  private List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
    Map<String, Object> config = new HashMap<>(Map.of("bootstrap.servers", kafka.bootstrap(),
        "isolation.level", "read_committed", "enable.auto.commit", false));
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> tps = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> end = c.endOffsets(tps, TestKafka.WAIT);
      // Bounded well below the callers' wait, so that a read stuck on a busy broker is tried again.
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20)).until(() -> {
        c.poll(Duration.ofMillis(100)).forEach(out::add);
        return tps.stream().allMatch(tp -> c.position(tp, Duration.ofSeconds(5)) >= end.get(tp));
      });
    }
    return out;
  }

  /**
   * @return the changelog's committed records once there are {@code count}: a transaction's
   *     records become readable when its marker reaches the partition, a little after the commit
   */
  private List<ConsumerRecord<byte[], byte[]>> awaitCommitted(int count) {
    List<List<ConsumerRecord<byte[], byte[]>>> last = new ArrayList<>();
    org.awaitility.Awaitility.await().atMost(TestKafka.WAIT.multipliedBy(2)).ignoreExceptions().untilAsserted(() -> {
      last.clear();
      last.add(readCommitted(changelog));
      assertEquals(count, last.get(0).size());
    });
    return last.get(0);
  }

  /** Committed offsets are listed once the transaction's marker reached the group coordinator. */
  private void awaitOffsets(Map<TopicPartition, Long> expected) {
    org.awaitility.Awaitility.await().atMost(TestKafka.WAIT).untilAsserted(() -> assertEquals(expected, kafka.groupOffsets(app)));
  }

  @Test
  void aBatchCommitsItsChangesAndOffsetsInOneTransaction() {
    GroupProducer p = producer();
    List<StateChange> changes = List.of(
        new StateChange("counts", 0, key(0, "a"), new byte[] {1}, -1),
        new StateChange("counts", 1, key(1, "b"), null, -1),
        new StateChange("counts", 1, key(1, "c"), new byte[] {3}, 1234L));
    p.commit(batch(1000, List.of(new InputRange(input + "-0", 0, 0, 5), new InputRange(input + "-1", 1, 2, 3)),
        changes), false);
    List<ConsumerRecord<byte[], byte[]>> records = awaitCommitted(3);
    for (ConsumerRecord<byte[], byte[]> r : records) {
      assertEquals(r.key()[1], (byte) r.partition(), "partition = key group");
      assertEquals(1000, r.timestamp(), "timestamp = batch time");
      String k = new String(r.key(), 2, r.key().length - 2, StandardCharsets.UTF_8);
      switch (k) {
        case "a" -> assertArrayEquals(new byte[] {1}, r.value());
        case "b" -> assertNull(r.value(), "a removal is a tombstone");
        case "c" -> assertEquals(1234L, ByteBuffer.wrap(r.headers().lastHeader("uji.t").value()).getLong());
        default -> throw new AssertionError(k);
      }
    }
    awaitOffsets(Map.of(new TopicPartition(input, 0), 5L, new TopicPartition(input, 1), 3L));
    assertArrayEquals(new long[] {1, 2}, p.positions().positions().get("counts"), "one past the last offset per group");
    assertEquals(topicId, p.positions().topicIds().get("counts"));
  }

  @Test
  void deferredBatchesAreInvisibleUntilALaterBatchCommitsThemAll() {
    GroupProducer p = producer();
    p.commit(batch(1000, List.of(new InputRange(input + "-0", 0, 0, 4)),
        List.of(new StateChange("counts", 0, key(0, "a"), new byte[] {1}, -1))), true);
    assertTrue(p.transactionOpen());
    assertEquals(List.of(), readCommitted(changelog));
    assertEquals(Map.of(), kafka.groupOffsets(app));
    assertArrayEquals(new long[] {-1, -1}, p.positions().positions().get("counts"));
    p.commit(batch(1500, List.of(new InputRange(input + "-0", 0, 4, 9)),
        List.of(new StateChange("counts", 0, key(0, "a"), new byte[] {2}, -1))), false);
    awaitCommitted(2);
    awaitOffsets(Map.of(new TopicPartition(input, 0), 9L));
    assertArrayEquals(new long[] {2, -1}, p.positions().positions().get("counts"));
  }

  @Test
  void aDeferredBatchAbortedByAResetNeverCommitsWithALaterBatch() {
    GroupProducer p = producer();
    p.commit(batch(1000, List.of(new InputRange(input + "-0", 0, 0, 4)),
        List.of(new StateChange("counts", 0, key(0, "a"), new byte[] {1}, -1))), true);
    p.abortQuietly(); // the engine reset its groups (the member lost them): the deferred batch is void
    assertFalse(p.transactionOpen());
    p.commit(batch(1500, List.of(new InputRange(input + "-1", 1, 0, 3)),
        List.of(new StateChange("counts", 1, key(1, "b"), new byte[] {2}, -1))), false);
    awaitOffsets(Map.of(new TopicPartition(input, 1), 3L)); // no offset of partition 0
    List<ConsumerRecord<byte[], byte[]>> records = awaitCommitted(1);
    assertEquals(1, records.get(0).partition(), "only the later batch's change");
    assertArrayEquals(new long[] {-1, 1}, p.positions().positions().get("counts"));
  }

  @Test
  void aBatchThatWritesForAGroupWithoutReadingItCarriesTheGroupsOffsetsForTheGenerationCheck() {
    java.util.concurrent.atomic.AtomicReference<ConsumerGroupMetadata> metadata =
        new java.util.concurrent.atomic.AtomicReference<>(new ConsumerGroupMetadata(app));
    GroupProducer p = producer(metadata::get);
    p.commit(batch(1000, List.of(new InputRange(input + "-1", 1, 0, 3)),
        List.of(new StateChange("counts", 1, key(1, "a"), new byte[] {1}, -1))), false);
    awaitOffsets(Map.of(new TopicPartition(input, 1), 3L));
    // The member lost the group meanwhile (its generation is stale); its next batch read nothing
    // of group 1 but changed it (a timeout fired): the coordinator must refuse that transaction.
    metadata.set(new ConsumerGroupMetadata(app, 7, "zombie-member", java.util.Optional.empty()));
    GroupCommitException e = assertThrows(GroupCommitException.class, () -> p.commit(batch(1500, List.of(),
        List.of(new StateChange("counts", 1, key(1, "a"), null, -1))), false));
    assertEquals(GroupCommitException.Kind.REMOVED, e.kind());
    List<ConsumerRecord<byte[], byte[]>> records = awaitCommitted(1); // the timeout's tombstone is not
    assertArrayEquals(new byte[] {1}, records.get(0).value());
  }

  @Test
  void aFencedProducersBatchIsNeverVisible() {
    GroupProducer p = producer();
    p.commit(batch(1000, List.of(new InputRange(input + "-0", 0, 0, 1)),
        List.of(new StateChange("counts", 0, key(0, "a"), new byte[] {1}, -1))), false);
    p.commit(batch(1500, List.of(new InputRange(input + "-0", 0, 1, 2)),
        List.of(new StateChange("counts", 0, key(0, "b"), new byte[] {2}, -1))), true);
    // another process with the same transactional id (or the failure detector) fences it
    try (KafkaProducer<byte[], byte[]> other = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrap(),
        "transactional.id", app + "-uji-i0"), new ByteArraySerializer(), new ByteArraySerializer())) {
      other.initTransactions();
    }
    GroupCommitException e = assertThrows(GroupCommitException.class, () -> p.commit(batch(2000,
        List.of(new InputRange(input + "-0", 0, 2, 3)), List.of(new StateChange("counts", 0, key(0, "c"), new byte[] {3}, -1))),
        false));
    assertEquals(GroupCommitException.Kind.FENCED, e.kind());
    awaitCommitted(1); // only the first batch
    awaitOffsets(Map.of(new TopicPartition(input, 0), 1L));
    p.start(); // a new epoch: commits again
    p.commit(batch(2500, List.of(new InputRange(input + "-0", 0, 1, 3)),
        List.of(new StateChange("counts", 0, key(0, "d"), new byte[] {4}, -1))), false);
    awaitOffsets(Map.of(new TopicPartition(input, 0), 3L));
  }

  @Test
  void manyChangesFromParallelWritersAreAllLoggedWithTheRightPositions() {
    GroupProducer p = producer();
    List<StateChange> changes = IntStream.range(0, 2000)
        .mapToObj(i -> new StateChange("counts", i % 2, key(i % 2, "k" + i), new byte[] {(byte) i}, -1)).toList();
    p.commit(batch(1000, List.of(new InputRange(input + "-0", 0, 0, 1000), new InputRange(input + "-1", 1, 0, 1000)),
        changes), false);
    awaitCommitted(2000);
    assertArrayEquals(new long[] {1000, 1000}, p.positions().positions().get("counts"));
  }
}
