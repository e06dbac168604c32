package io.uji.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.uji.kafka.local.LocalKafkaBroker;
import io.uji.kafka.local.SharedLocalKafkaBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link StableOffsets} against a real broker: a partition whose committed offset is held by an
 * open transaction (a crashed instance's, until its timeout) is not taken for a partition without
 * a committed offset (the kafka-failover benchmark's run in which a key group restarted at the log
 * start on top of its restored state).
 */
@ExtendWith(SharedLocalKafkaBroker.class)
class StableOffsetsTest {
  private static TestKafka kafka;

  @BeforeAll
  static void setUp(LocalKafkaBroker broker) {
    kafka = new TestKafka(broker);
  }

  @Test
  void aPartitionWithoutCommittedOffsetIsAbsentAndACommittedOneIsRead() throws Exception {
    String topic = kafka.createTopic("so", 2);
    String group = TestKafka.unique("so-group");
    try (Admin admin = kafka.admin()) {
      admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(5)))
          .all().get(60, TimeUnit.SECONDS);
      Map<String, Long> read = new StableOffsets(admin, group, TestKafka.WAIT)
          .committed(List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1)));
      assertEquals(Map.of(PartitionIds.id(new TopicPartition(topic, 0)), 5L), read);
    }
  }

  @Test
  void anOffsetHeldByAnOpenTransactionIsWaitedForNotReadAsMissing() throws Exception {
    String topic = kafka.createTopic("so", 1);
    String group = TestKafka.unique("so-group");
    TopicPartition tp = new TopicPartition(topic, 0);
    try (Admin admin = kafka.admin();
        KafkaProducer<String, String> zombie = kafka.producer(Map.of("transactional.id", TestKafka.unique("so-tx"),
            "transaction.timeout.ms", 60_000))) {
      admin.alterConsumerGroupOffsets(group, Map.of(tp, new OffsetAndMetadata(5))).all().get(60, TimeUnit.SECONDS);
      zombie.initTransactions();
      zombie.beginTransaction();
      zombie.sendOffsetsToTransaction(Map.of(tp, new OffsetAndMetadata(9)), new ConsumerGroupMetadata(group));
      zombie.flush();

      // The broker answers UNSTABLE_OFFSET_COMMIT and the admin client leaves the partition out:
      // not "no committed offset" (which would restart the key group at the log start), but a wait
      // that ends with the timeout while the transaction stays open.
      assertThrows(UjiKafkaException.class,
          () -> new StableOffsets(admin, group, Duration.ofSeconds(2)).committed(List.of(tp)));

      zombie.abortTransaction();
      assertEquals(Map.of(PartitionIds.id(tp), 5L), new StableOffsets(admin, group, TestKafka.WAIT).committed(List.of(tp)));
    }
  }
}
