package io.uji.kafka;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.kafka.local.LocalKafkaBroker;
import io.uji.kafka.local.SharedLocalKafkaBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A key group's committed offsets are read only once stable: while a transaction (a crashed
 * instance's) holds an offset commit for one of its partitions, the admin client leaves the
 * partition out of its answer, which must not read as "no committed offset" (the group would
 * start at the log start on top of its restored state and count its input twice).
 */
@ExtendWith(SharedLocalKafkaBroker.class)
class StableOffsetsTest {
  private static TestKafka kafka;
  private Admin admin;
  private String group;
  private String topic;

  @BeforeAll
  static void setUp(LocalKafkaBroker broker) {
    kafka = new TestKafka(broker);
  }

  @BeforeEach
  void topic() {
    admin = kafka.admin();
    group = TestKafka.unique("so");
    topic = kafka.createTopic("so-in", 2);
  }

  @AfterEach
  void close() {
    admin.close();
  }

  private StableOffsets offsets(Duration unstableAtMost) {
    return new StableOffsets(admin, group, List.of(topic), unstableAtMost);
  }

  private KafkaProducer<byte[], byte[]> transactional() {
    KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrap(),
        "transactional.id", group + "-crashed", "transaction.timeout.ms", 60_000),
        new ByteArraySerializer(), new ByteArraySerializer());
    p.initTransactions();
    return p;
  }

  @Test
  void aPartitionWithoutACommittedOffsetIsAbsentFromTheAnswer() {
    assertEquals(Map.of(), offsets(Duration.ofSeconds(30)).of(1));
  }

  @Test
  void anOffsetCommitPendingInAnOpenTransactionIsWaitedForNotReadAsNone() {
    try (KafkaProducer<byte[], byte[]> crashed = transactional()) {
      crashed.beginTransaction();
      crashed.sendOffsetsToTransaction(Map.of(new TopicPartition(topic, 1), new OffsetAndMetadata(42)),
          new ConsumerGroupMetadata(group));
      // Key group 0 has nothing pending: answered at once.
      assertEquals(Map.of(), offsets(Duration.ofSeconds(30)).of(0));
      // Key group 1 waits for the transaction; it stays open past this timeout: an error, not "none".
      UjiKafkaException e = assertThrows(UjiKafkaException.class, () -> offsets(Duration.ofSeconds(8)).of(1));
      assertTrue(e.getMessage().contains("stayed unstable"), e.getMessage());
      crashed.commitTransaction();
    }
    // Committed: the offset is there once the commit's marker reached the coordinator.
    await().atMost(TestKafka.WAIT).untilAsserted(
        () -> assertEquals(Map.of(topic + "-1", 42L), offsets(Duration.ofSeconds(30)).of(1)));
  }
}
