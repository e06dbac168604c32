package io.uji.kafka.local;

import static io.uji.kafka.local.Clients.WAIT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What tests of a Kafka source and sink need from the in-JVM broker (shared by the test classes). */
@ExtendWith(SharedLocalKafkaBroker.class)
class LocalKafkaBrokerTest {
  private static LocalKafkaBroker broker;

  @BeforeAll
  static void useSharedBroker(LocalKafkaBroker shared) {
    broker = shared;
  }

  @Test
  void recordsProducedAreConsumedInOrder() {
    Clients.createTopic(broker.bootstrapServers(), "plain", 1);
    List<String> sent = numbered("r", 20);
    Clients.produce(broker.bootstrapServers(), "plain", sent);

    List<ConsumerRecord<String, String>> read = Clients.readAll(broker.bootstrapServers(), "plain", Map.of());

    assertEquals(sent, Clients.values(read));
    assertEquals(List.of(0L, 19L), List.of(read.get(0).offset(), read.get(19).offset()));
  }

  @Test
  void abortedTransactionIsInvisibleToReadCommittedAndCommittedOneIsVisible() {
    Clients.createTopic(broker.bootstrapServers(), "tx", 1);
    try (KafkaProducer<String, String> producer =
        Clients.producer(broker.bootstrapServers(), Map.of("transactional.id", "tx-test"))) {
      producer.initTransactions();
      producer.beginTransaction();
      numbered("aborted", 3).forEach(v -> producer.send(new ProducerRecord<>("tx", 0, v, v)));
      producer.flush();
      producer.abortTransaction();
      producer.beginTransaction();
      numbered("committed", 3).forEach(v -> producer.send(new ProducerRecord<>("tx", 0, v, v)));
      producer.commitTransaction();
    }

    List<String> committed = Clients.values(
        Clients.readAll(broker.bootstrapServers(), "tx", Map.of("isolation.level", "read_committed")));
    List<String> uncommitted = Clients.values(
        Clients.readAll(broker.bootstrapServers(), "tx", Map.of("isolation.level", "read_uncommitted")));

    assertEquals(numbered("committed", 3), committed);
    // The aborted records were written (a read_uncommitted consumer sees them): the broker
    // filtered them, the producer did not just drop them.
    List<String> both = new ArrayList<>(numbered("aborted", 3));
    both.addAll(numbered("committed", 3));
    assertEquals(both, uncommitted);
  }

  @ParameterizedTest(name = "group.protocol={0}")
  @ValueSource(strings = {"classic", "consumer"})
  void consumerGroupResumesFromItsCommittedOffset(String protocol) throws Exception {
    String topic = "group-" + protocol;
    String group = "g-" + protocol;
    Clients.createTopic(broker.bootstrapServers(), topic, 1);
    Clients.produce(broker.bootstrapServers(), topic, numbered("first", 10));
    Map<String, Object> member = Map.of("group.id", group, "group.protocol", protocol);

    assertEquals(numbered("first", 10), pollCommitAndClose(topic, member, 10));
    Clients.produce(broker.bootstrapServers(), topic, numbered("second", 5));
    try (Admin admin = Clients.admin(broker.bootstrapServers())) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(60, TimeUnit.SECONDS);
      assertEquals(10L, offsets.get(new TopicPartition(topic, 0)).offset());
    }

    assertEquals(numbered("second", 5), pollCommitAndClose(topic, member, 5));
  }

  @Test
  void deleteRecordsMovesTheLogStartOffset() throws Exception {
    Clients.createTopic(broker.bootstrapServers(), "retained", 1);
    Clients.produce(broker.bootstrapServers(), "retained", numbered("r", 10));
    TopicPartition tp = new TopicPartition("retained", 0);

    try (Admin admin = Clients.admin(broker.bootstrapServers())) {
      long lowWatermark = admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(6)))
          .lowWatermarks().get(tp).get(60, TimeUnit.SECONDS).lowWatermark();
      long earliest = admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp)
          .get(60, TimeUnit.SECONDS).offset();
      assertEquals(6, lowWatermark);
      assertEquals(6, earliest);
    }
    List<ConsumerRecord<String, String>> read = Clients.readAll(broker.bootstrapServers(), "retained", Map.of());
    assertEquals(6, read.get(0).offset());
    assertEquals(List.of("r6", "r7", "r8", "r9"), Clients.values(read));
  }

  @Test
  void restartKeepsRecordsCommittedOffsetsAndTheBootstrapAddress() throws Exception {
    Clients.createTopic(broker.bootstrapServers(), "durable", 1);
    Clients.produce(broker.bootstrapServers(), "durable", numbered("d", 10));
    pollCommitAndClose("durable", Map.of("group.id", "durable-group"), 10);
    String address = broker.bootstrapServers();

    broker.restart();

    assertEquals(address, broker.bootstrapServers());
    assertEquals(numbered("d", 10), Clients.values(Clients.readAll(address, "durable", Map.of())));
    try (Admin admin = Clients.admin(address)) {
      Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets("durable-group")
          .partitionsToOffsetAndMetadata().get(60, TimeUnit.SECONDS);
      assertEquals(10L, offsets.get(new TopicPartition("durable", 0)).offset());
    }
  }

  @Test
  void producingToAMissingTopicFailsInsteadOfCreatingIt() throws Exception {
    try (KafkaProducer<String, String> producer =
        Clients.producer(broker.bootstrapServers(), Map.of("max.block.ms", 1000))) {
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> producer.send(new ProducerRecord<>("no-such-topic", "k", "v")).get());
      assertInstanceOf(TimeoutException.class, e.getCause());
    }
    try (Admin admin = Clients.admin(broker.bootstrapServers())) {
      assertTrue(!admin.listTopics().names().get(60, TimeUnit.SECONDS).contains("no-such-topic"));
    }
  }

  /** Subscribes as a group member, reads {@code count} records, commits them and leaves. */
  private static List<String> pollCommitAndClose(String topic, Map<String, Object> member, int count) {
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers(), member)) {
      consumer.subscribe(List.of(topic));
      await().atMost(WAIT).until(() -> {
        consumer.poll(Duration.ofMillis(100)).forEach(r -> values.add(r.value()));
        return values.size() >= count;
      });
      consumer.commitSync();
    }
    return values;
  }

  private static List<String> numbered(String prefix, int count) {
    return IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
  }
}
