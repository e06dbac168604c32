package io.uji.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.uji.kafka.local.LocalKafkaBroker;
import io.uji.kafka.local.SharedLocalKafkaBroker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link KeyPartitioner#murmur2} agrees with the partition a plain Java producer (default
 * partitioner) chose, as the broker acknowledged it.
 */
@ExtendWith(SharedLocalKafkaBroker.class)
class KeyPartitionerTest {
  private static TestKafka kafka;

  @BeforeAll
  static void setUp(LocalKafkaBroker broker) {
    kafka = new TestKafka(broker);
  }

  private static <K> void assertAgrees(Serializer<K> serializer, List<K> keys, int partitions) throws Exception {
    String topic = kafka.createTopic("kp", partitions);
    KeyPartitioner<K> partitioner = KeyPartitioner.murmur2(serializer, topic);
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    // not idempotent: a loaded broker answering NOT_LEADER for a topic just created can leave an
    // idempotent producer retrying OUT_OF_ORDER_SEQUENCE forever; the partition it picks is the same
    try (KafkaProducer<K, String> p = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrap(),
        "linger.ms", 5, "enable.idempotence", false, "max.in.flight.requests.per.connection", 1), serializer,
        new StringSerializer())) {
      for (K k : keys) {
        acks.add(p.send(new ProducerRecord<>(topic, k, "v")));
      }
      int[] used = new int[partitions];
      for (int i = 0; i < keys.size(); i++) {
        int broker = acks.get(i).get(60, TimeUnit.SECONDS).partition();
        assertEquals(broker, partitioner.partition(keys.get(i), partitions), "key " + keys.get(i));
        used[broker]++;
      }
      for (int n : used) {
        assertEquals(true, n > 0, "the sample reaches every partition"); // else the check proves little
      }
    }
  }

  @Test
  void stringKeysGoWhereTheJavaProducersDefaultPartitionerSendsThem() throws Exception {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      keys.add("user-" + i * 7919);
    }
    keys.add("");
    keys.add("ünïcødé-ключ-鍵");
    assertAgrees(new StringSerializer(), keys, 6);
  }

  @Test
  void longKeysGoWhereTheJavaProducersDefaultPartitionerSendsThem() throws Exception {
    List<Long> keys = new ArrayList<>();
    for (long i = -250; i < 250; i++) {
      keys.add(i * 1_000_003L);
    }
    keys.add(Long.MIN_VALUE);
    keys.add(Long.MAX_VALUE);
    assertAgrees(new LongSerializer(), keys, 7);
  }

  @Test
  void aKeyThatSerializesToNullIsRefused() {
    KeyPartitioner<String> p = KeyPartitioner.murmur2((topic, key) -> null, "t");
    assertThrows(IllegalArgumentException.class, () -> p.partition("k", 3));
  }
}
