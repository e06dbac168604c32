package io.uji.kafka;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.kafka.local.LocalKafkaBroker;
import io.uji.kafka.local.SharedLocalKafkaBroker;
import io.uji.streaming.Durations;
import io.uji.streaming.KeyLocation;
import io.uji.streaming.KeyedState;
import io.uji.streaming.Pair;
import io.uji.streaming.State;
import io.uji.streaming.StateNotLocalException;
import io.uji.streaming.StateSpec;
import io.uji.streaming.StreamingConfig;
import io.uji.streaming.StreamingContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link KafkaGroup#locate} and {@link KafkaGroup#hosts} with a real broker: two instances
 * publishing different addresses agree on where every key lives, and the instance they name is
 * the one whose running key groups answer the key's state query; after one leaves, every key
 * locates to the other.
 */
@ExtendWith(SharedLocalKafkaBroker.class)
class KafkaGroupLocateTest {
  private static final long INTERVAL = 500;
  private static final int PARTITIONS = 4;
  private static TestKafka kafka;
  @TempDir Path tmp;
  private final List<Instance> instances = new ArrayList<>();
  private final Map<String, Long> truth = new TreeMap<>();
  /** Per key, the partition the producer's default partitioner sent it to, as read back from the broker. */
  private final Map<String, Integer> partitionOf = new TreeMap<>();
  private String app;
  private String topic;

  @BeforeAll
  static void setUp(LocalKafkaBroker broker) {
    kafka = new TestKafka(broker);
  }

  @AfterEach
  void stop() {
    instances.forEach(i -> i.ssc.stop(false));
  }

  private final class Instance extends SteppedInstance {
    final String server;
    final KafkaGroup<String, String> group;
    final KeyedState<String, Long> counts;

    Instance(String id, String server) {
      super(tmp.resolve("state-" + id), INTERVAL);
      this.server = server;
      group = KafkaGroup.<String, String>builder(kafka.consumerProperties(null))
          .applicationId(app).topics(topic).instanceId(id).applicationServer(server)
          .keySerializer(new StringSerializer()).build();
      group.keyedStream(ssc).mapValues(v -> 1L).reduceByKey(Long::sum)
          .mapWithState(StateSpec.function((String user, Optional<Long> n, State<Long> s) -> {
            s.update(s.getOption().orElse(0L) + n.orElse(0L));
            return Pair.of(user, s.get());
          })).name("counts")
          .foreachBatch(d -> d.count());
      counts = ssc.keyedState("counts", String.class, Long.class);
      instances.add(this);
      ssc.start();
    }
  }

  /**
   * Sends n events of {@code users} users, then takes the truth (per user, its count and its
   * partition) from what a read_committed reader of the topic sees: the producer is not
   * idempotent (see KeyPartitionerTest), so a retry may have written an event twice.
   */
  private void produce(int n, int users) {
    try (KafkaProducer<String, String> p = kafka.producer(Map.of("linger.ms", 5, "enable.idempotence", false,
        "max.in.flight.requests.per.connection", 1))) {
      List<Future<RecordMetadata>> acks = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        acks.add(p.send(new ProducerRecord<>(topic, "u" + (i * 7 % users), "e")));
      }
      for (Future<RecordMetadata> a : acks) {
        a.get(60, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      throw new AssertionError("cannot produce to " + topic, e);
    }
    truth.clear();
    for (ConsumerRecord<String, String> r : kafka.readCommitted(topic)) {
      truth.merge(r.key(), 1L, Long::sum);
      partitionOf.put(r.key(), r.partition());
    }
  }

  private boolean consumedAll() {
    Map<TopicPartition, Long> ends = kafka.endOffsets(topic, PARTITIONS);
    return kafka.groupOffsets(app).equals(ends);
  }

  /**
   * @return whether, asked on every instance, every key locates to the key group the producer
   *     chose and to one instance, the one whose running groups hold the key's exact count (and
   *     which alone says it is local), while the others' state queries refuse the key naming that
   *     instance; the context's own {@link KeyedState#locate} says the same as the group's
   */
  private boolean everyKeyLocatesToItsHolder() {
    for (String key : truth.keySet()) {
      Instance holder = null;
      for (Instance asked : instances) {
        KeyLocation at = asked.group.locate(key);
        if (at.keyGroup() != partitionOf.get(key) || at.activeHost().isEmpty() || !at.equals(asked.counts.locate(key))) {
          return false;
        }
        Instance named = instances.stream().filter(i -> i.server.equals(at.activeHost().get())).findFirst()
            .orElseThrow(() -> new AssertionError("no instance has address " + at.activeHost()));
        if (holder != null && holder != named || at.localActive() != (named == asked)) {
          return false;
        }
        holder = named;
      }
      try {
        if (!holder.counts.get(key).equals(Optional.of(truth.get(key)))) {
          return false;
        }
      } catch (StateNotLocalException e) {
        return false; // assigned, still restoring
      }
      for (Instance other : instances) {
        if (other != holder) {
          try {
            other.counts.get(key);
            return false;
          } catch (StateNotLocalException e) {
            assertEquals(partitionOf.get(key), e.location().keyGroup());
            if (!e.location().activeHost().equals(Optional.of(holder.server))) {
              return false;
            }
          }
        }
      }
    }
    return true;
  }

  private void runUntil(java.util.concurrent.Callable<Boolean> condition) {
    await().atMost(TestKafka.WAIT).until(() -> {
      instances.forEach(Instance::batch);
      return condition.call();
    });
  }

  @Test
  void everyKeyLocatesFromEveryInstanceToTheInstanceThatHoldsItsState() throws Exception {
    app = TestKafka.unique("loc");
    topic = kafka.createTopic("loc-in", PARTITIONS);
    produce(400, 40);
    Instance a = new Instance("a", "host-a:4040");
    runUntil(() -> consumedAll() && everyKeyLocatesToItsHolder());
    assertEquals(List.of(new GroupHost("host-a:4040", List.of(0, 1, 2, 3), List.of(), true)), a.group.hosts());

    Instance b = new Instance("b", "host-b:4040");
    produce(400, 40);
    runUntil(() -> consumedAll() && everyKeyLocatesToItsHolder()
        && b.group.hosts().stream().allMatch(h -> h.activeGroups().size() == 2));
    assertTrue(truth.keySet().stream().anyMatch(k -> a.group.locate(k).localActive()), "a holds some keys");
    assertTrue(truth.keySet().stream().anyMatch(k -> b.group.locate(k).localActive()), "b holds some keys");
    List<GroupHost> fromA = a.group.hosts();
    List<GroupHost> fromB = b.group.hosts();
    assertEquals(2, fromA.size());
    for (int i = 0; i < 2; i++) {
      GroupHost ha = fromA.get(i);
      GroupHost hb = fromB.get(i);
      assertEquals(ha.applicationServer(), hb.applicationServer());
      assertEquals(ha.activeGroups(), hb.activeGroups());
      assertEquals(ha.applicationServer().equals(a.server), ha.local());
      assertEquals(hb.applicationServer().equals(b.server), hb.local());
    }

    b.ssc.stop(true); // leaves at once: a takes every group back
    instances.remove(b);
    produce(200, 40);
    runUntil(() -> consumedAll() && everyKeyLocatesToItsHolder());
    truth.keySet().forEach(k -> assertEquals(Optional.of("host-a:4040"), a.group.locate(k).activeHost(), k));
    assertEquals(List.of(new GroupHost("host-a:4040", List.of(0, 1, 2, 3), List.of(), true)), a.group.hosts());
    assertThrows(IllegalStateException.class, () -> b.group.locate("u1"), "a stopped instance locates nothing");
  }

  @Test
  void locatingBeforeTheContextRunsOrWithoutAKeySerializerSaysWhatIsMissing() {
    app = TestKafka.unique("loc");
    topic = kafka.createTopic("loc-in", 2);
    KafkaGroup<String, String> noStream = KafkaGroup.<String, String>builder(kafka.consumerProperties(null))
        .applicationId(app).topics(topic).keySerializer(new StringSerializer()).build();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> noStream.locate("k"));
    assertTrue(e.getMessage().contains("keyedStream"), e.getMessage());
    assertThrows(IllegalStateException.class, noStream::hosts);

    KafkaGroup<String, String> noSerializer = KafkaGroup.<String, String>builder(kafka.consumerProperties(null))
        .applicationId(app).topics(topic).build();
    e = assertThrows(IllegalStateException.class, () -> noSerializer.locate("k"));
    assertTrue(e.getMessage().contains("keySerializer"), e.getMessage());

    StreamingContext ssc = new StreamingContext(StreamingConfig.defaults().withStateDir(tmp.resolve("s")),
        Durations.milliseconds(INTERVAL));
    try {
      noStream.keyedStream(ssc).mapValues(v -> 1L).foreachBatch(d -> d.count());
      e = assertThrows(IllegalStateException.class, () -> noStream.locate("k"));
      assertTrue(e.getMessage().contains("has not started"), e.getMessage());
      assertThrows(NullPointerException.class, () -> noStream.locate(null));
    } finally {
      ssc.stop(false);
    }
  }
}
