package io.uji.kafka;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.uji.kafka.local.LocalKafkaBroker;
import io.uji.kafka.local.SharedLocalKafkaBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The failure detector's fence of a silent instance's transactions: its open transaction is
 * aborted at once, not when its (here two-minute) timeout expires, so that the new owners' stable
 * offset fetch answers and read_committed readers move past its records.
 */
@ExtendWith(SharedLocalKafkaBroker.class)
class TransactionFencerTest {
  private static TestKafka kafka;

  @BeforeAll
  static void setUp(LocalKafkaBroker broker) {
    kafka = new TestKafka(broker);
  }

  @Test
  void anOpenTransactionOfAnotherProducerIsAbortedAtOnceAndItsProducerCannotCommit() throws Exception {
    String group = TestKafka.unique("tf");
    String topic = kafka.createTopic("tf-in", 2);
    String transactionalId = GroupMember.transactionalId(group, "paused");
    TopicPartition p1 = new TopicPartition(topic, 1);
    try (Admin admin = kafka.admin();
        KafkaProducer<byte[], byte[]> paused = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrap(),
            "transactional.id", transactionalId, "transaction.timeout.ms", 120_000),
            new ByteArraySerializer(), new ByteArraySerializer())) {
      paused.initTransactions();
      paused.beginTransaction();
      paused.send(new ProducerRecord<>(topic, 1, null, new byte[] {1})).get();
      paused.sendOffsetsToTransaction(Map.of(p1, new OffsetAndMetadata(42)), new ConsumerGroupMetadata(group));

      new TransactionFencer(Map.of("bootstrap.servers", kafka.bootstrap()), TestKafka.WAIT).fence(transactionalId);

      // Stable, and with no committed offset: the pending commit was aborted. Without the fence
      // this would wait out the 20 s bound and throw (the transaction's timeout is 2 minutes).
      StableOffsets offsets = new StableOffsets(admin, group, List.of(topic), Duration.ofSeconds(20));
      assertEquals(Map.of(), offsets.of(1));
      // read_committed readers are not held back by it: the stable end reaches the log's end.
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertEquals(
          admin.listOffsets(Map.of(p1, org.apache.kafka.clients.admin.OffsetSpec.latest())).all().get().get(p1).offset(),
          kafka.endOffsets(topic, 2).get(p1)));
      assertThrows(KafkaException.class, paused::commitTransaction);
    }
    assertEquals(List.of(), kafka.readCommitted(topic).stream().map(r -> r.partition()).toList());
  }
}
