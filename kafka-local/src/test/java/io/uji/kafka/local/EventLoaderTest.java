package io.uji.kafka.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedLocalKafkaBroker.class)
class EventLoaderTest {
  private static LocalKafkaBroker broker;

  @BeforeAll
  static void useSharedBroker(LocalKafkaBroker shared) {
    broker = shared;
  }

  @Test
  void userOfAnEventIsTheGoldenRatioHashModuloTheUserCount() {
    assertEquals(0, SessionEvents.user(0, 1000));
    assertEquals(Long.remainderUnsigned(0x9E3779B97F4A7C15L, 1_000_000), SessionEvents.user(1, 1_000_000));
    // i * MUL overflows: the remainder is unsigned, so never negative.
    assertEquals("user-" + Long.remainderUnsigned(3 * 0x9E3779B97F4A7C15L, 7), SessionEvents.key(3, 7));
  }

  @Test
  void loaderWritesEachEventOnceWithItsKeyAndValueInTheDefaultPartitionersPartition() {
    int partitions = 3;
    long events = 10_000;
    long users = 97;

    LoadResult result = EventLoader.load(broker.bootstrapServers(), new LoadSpec("loaded", events, users, partitions));

    assertEquals(events, result.events());
    Map<Integer, List<ConsumerRecord<String, Long>>> byPartition = readAll("loaded", partitions, events);
    boolean[] seen = new boolean[(int) events];
    for (int p = 0; p < partitions; p++) {
      long previous = -1;
      for (ConsumerRecord<String, Long> r : byPartition.get(p)) {
        long i = r.value();
        assertEquals(SessionEvents.key(i, users), r.key());
        assertEquals(defaultPartition(r.key(), partitions), p, "partition of " + r.key());
        assertTrue(i > previous, "events out of order in partition " + p + ": " + i + " after " + previous);
        assertTrue(!seen[(int) i], "event " + i + " written twice");
        seen[(int) i] = true;
        previous = i;
      }
    }
    assertEquals(events, IntStream.range(0, (int) events).filter(i -> seen[i]).count());
    assertTrue(byPartition.values().stream().allMatch(records -> !records.isEmpty()), "a partition got no event");
  }

  @Test
  void loadingIntoATopicWithAnotherPartitionCountIsRefused() {
    Clients.createTopic(broker.bootstrapServers(), "four", 4);

    LocalKafkaException e = assertThrows(LocalKafkaException.class,
        () -> EventLoader.load(broker.bootstrapServers(), new LoadSpec("four", 10, 5, 2)));

    assertTrue(e.getMessage().contains("exists with 4 partitions, not the 2 asked for"), e.getMessage());
  }

  @Test
  void nonPositiveCountsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> LoadSpec.of("t", 0, 10));
    assertThrows(IllegalArgumentException.class, () -> LoadSpec.of("t", 10, 0));
    assertThrows(IllegalArgumentException.class, () -> new LoadSpec("t", 10, 10, 0));
    assertThrows(IllegalArgumentException.class, () -> LoadSpec.of(" ", 10, 10));
  }

  /** Kafka's default partitioner for a keyed record: murmur2 of the serialized key, mod P. */
  private static int defaultPartition(String key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  private static Map<Integer, List<ConsumerRecord<String, Long>>> readAll(String topic, int partitions, long total) {
    Map<Integer, List<ConsumerRecord<String, Long>>> byPartition = new HashMap<>();
    List<TopicPartition> tps = IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p)).toList();
    tps.forEach(tp -> byPartition.put(tp.partition(), new ArrayList<>()));
    Map<String, Object> config = Map.of("bootstrap.servers", broker.bootstrapServers(), "auto.offset.reset", "earliest");
    try (KafkaConsumer<String, Long> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new LongDeserializer())) {
      consumer.assign(tps);
      long[] read = {0};
      await().atMost(Clients.WAIT).until(() -> {
        for (ConsumerRecord<String, Long> r : consumer.poll(Duration.ofMillis(100))) {
          byPartition.get(r.partition()).add(r);
          read[0]++;
        }
        return read[0] >= total;
      });
      assertEquals(total, read[0]);
      Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
      assertEquals(total, ends.values().stream().mapToLong(Long::longValue).sum(), "end offsets " + ends);
    }
    return byPartition;
  }
}
