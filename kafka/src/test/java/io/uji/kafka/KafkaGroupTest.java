package io.uji.kafka;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.kafka.local.LocalKafkaBroker;
import io.uji.kafka.local.SharedLocalKafkaBroker;
import io.uji.streaming.BatchInfo;
import io.uji.streaming.Pair;
import io.uji.streaming.State;
import io.uji.streaming.StateSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * KafkaGroup, the public entry point, end to end with a real broker: two instances of a counting
 * program whose output goes through the group's transactional sink. A read_committed reader sees
 * each user's counts strictly increasing and ending at the truth: no batch's output twice, none
 * lost, while key groups move between the instances.
 */
@ExtendWith(SharedLocalKafkaBroker.class)
class KafkaGroupTest {
  private static final long INTERVAL = 500;
  private static TestKafka kafka;
  @TempDir Path tmp;
  private final List<Instance> instances = new ArrayList<>();
  private final Map<String, Long> truth = new TreeMap<>();
  private String app;
  private String topic;
  private String out;

  @BeforeAll
  static void setUp(LocalKafkaBroker broker) {
    kafka = new TestKafka(broker);
  }

  @AfterEach
  void stop() {
    instances.forEach(i -> i.ssc.stop(false));
  }

  private final class Instance extends SteppedInstance {
    Instance(String id) {
      this(id, 0);
    }

    Instance(String id, long maxRatePerPartition) {
      super(tmp.resolve("state-" + id), INTERVAL);
      KafkaGroup<String, String> group = KafkaGroup.<String, String>builder(kafka.consumerProperties(null))
          .applicationId(app).topics(topic).instanceId(id).maxRatePerPartition(maxRatePerPartition).build();
      group.keyedStream(ssc).mapValues(v -> 1L).reduceByKey(Long::sum)
          .mapWithState(StateSpec.function((String user, Optional<Long> n, State<Long> s) -> {
            s.update(s.getOption().orElse(0L) + n.orElse(0L));
            return Pair.of(user, s.get());
          })).name("counts")
          .foreachBatch(group.sink(out, Pair::key, new StringSerializer(), p -> Long.toString(p.value()),
              new StringSerializer()));
      instances.add(this);
      ssc.start();
    }
  }

  private void produce(int n, int users) throws Exception {
    try (KafkaProducer<String, String> p = kafka.producer(Map.of("linger.ms", 5))) {
      List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String user = "u" + (i * 7 % users);
        acks.add(p.send(new ProducerRecord<>(topic, user, "e")));
        truth.merge(user, 1L, Long::sum);
      }
      for (var a : acks) {
        a.get(60, TimeUnit.SECONDS);
      }
    }
  }

  /** @return how many input partitions the group's coordinator has assigned to instance {@code id} */
  private int assignedTo(String id) {
    try (org.apache.kafka.clients.admin.Admin admin = kafka.admin()) {
      var group = TestKafka.get(admin.describeConsumerGroups(List.of(app)).all()).get(app);
      return group.members().stream().filter(m -> m.groupInstanceId().orElse("").equals(id))
          .mapToInt(m -> m.assignment().topicPartitions().size()).sum();
    }
  }

  private boolean consumedAll() {
    Map<TopicPartition, Long> ends = kafka.endOffsets(topic, 4);
    return kafka.groupOffsets(app).equals(ends);
  }

  /** Per user, the counts the output holds, in order; each user's counts must strictly increase. */
  private Map<String, List<Long>> output() {
    Map<String, List<Long>> perUser = new HashMap<>();
    for (ConsumerRecord<String, String> r : kafka.readCommitted(out)) {
      perUser.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(Long.parseLong(r.value()));
    }
    return perUser;
  }

  @Test
  void theSinksOutputIsExactlyOnceWhileGroupsMoveBetweenInstances() throws Exception {
    app = TestKafka.unique("kg");
    topic = kafka.createTopic("kg-in", 4);
    out = kafka.createTopic("kg-out", 2);
    produce(300, 20);
    Instance a = new Instance("a");
    await().atMost(TestKafka.WAIT).until(() -> {
      a.batch();
      return consumedAll();
    });
    Instance b = new Instance("b");
    produce(300, 20);
    await().atMost(TestKafka.WAIT).until(() -> {
      a.batch();
      b.batch();
      return consumedAll() && assignedTo("a") == 2 && assignedTo("b") == 2;
    });
    produce(300, 20);
    await().atMost(TestKafka.WAIT).until(() -> {
      a.batch();
      b.batch();
      return consumedAll();
    });
    // the output's last transaction becomes readable when its marker reaches the topic
    await().atMost(TestKafka.WAIT).untilAsserted(() -> {
      Map<String, List<Long>> output = output();
      assertEquals(truth.keySet(), output.keySet());
      output.forEach((user, counts) -> {
        for (int i = 1; i < counts.size(); i++) {
          assertTrue(counts.get(i) > counts.get(i - 1), user + ": no count twice or out of order: " + counts);
        }
        assertEquals(truth.get(user), counts.get(counts.size() - 1), user + ": " + counts);
      });
    });
    assertTrue(b.completed.values().stream().anyMatch(i -> i.numRecords() > 0), "b ran key groups it took over");
  }

  @Test
  void maxRatePerPartitionBoundsEveryBatchAndTheBacklogIsCountedExactly() throws Exception {
    app = TestKafka.unique("kg-rate");
    topic = kafka.createTopic("kg-rate-in", 4);
    out = kafka.createTopic("kg-rate-out", 2);
    produce(1200, 20); // a backlog of about 300 records a partition
    Instance a = new Instance("a", 100); // 100 records a second of a 500 ms interval: 50 a partition
    await().atMost(TestKafka.WAIT).until(() -> {
      a.batch();
      return consumedAll();
    });
    List<Long> sizes = a.completed.values().stream().map(BatchInfo::numRecords).filter(n -> n > 0).toList();
    assertTrue(sizes.stream().allMatch(n -> n <= 4 * 50), "every batch at most 50 records a partition: " + sizes);
    assertTrue(sizes.size() >= 1200 / (4 * 50), "the backlog took several batches: " + sizes);
    await().atMost(TestKafka.WAIT).untilAsserted(() -> {
      Map<String, List<Long>> output = output();
      assertEquals(truth.keySet(), output.keySet());
      output.forEach((user, counts) -> assertEquals(truth.get(user), counts.get(counts.size() - 1), user + ": " + counts));
    });
  }

  @Test
  void aGroupNeedsAnApplicationIdAndTopics() {
    assertThrows(IllegalArgumentException.class,
        () -> KafkaGroup.<String, String>builder(kafka.consumerProperties(null)).topics("t").build());
    assertThrows(IllegalArgumentException.class,
        () -> KafkaGroup.<String, String>builder(kafka.consumerProperties(null)).applicationId("a").build());
    assertThrows(IllegalArgumentException.class,
        () -> KafkaGroup.<String, String>builder(kafka.consumerProperties(null)).applicationId("a b").topics("t").build());
  }

  @Test
  void aLivenessTimeoutMustBeMoreThanTwiceTheIntervalOrZero() {
    java.util.function.BiFunction<Duration, Duration, KafkaGroup<String, String>> build = (interval, timeout) ->
        KafkaGroup.<String, String>builder(kafka.consumerProperties(null)).applicationId("a").topics("t")
            .livenessInterval(interval).livenessTimeout(timeout).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> build.apply(Duration.ofMillis(500), Duration.ofSeconds(1)));
    assertTrue(e.getMessage().contains("livenessTimeout (1000 ms) must be more than twice the livenessInterval (500 ms)"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> build.apply(Duration.ZERO, Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> build.apply(Duration.ofMillis(100), Duration.ofMillis(-1)));
    build.apply(Duration.ofMillis(500), Duration.ZERO); // no detector
    build.apply(Duration.ofMillis(200), Duration.ofSeconds(1));
  }
}
