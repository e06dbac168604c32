package io.uji.kafka;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.uji.engine.cluster.ClusterAccess;
import io.uji.kafka.local.LocalKafkaBroker;
import io.uji.kafka.local.SharedLocalKafkaBroker;
import io.uji.streaming.PairDStream;
import io.uji.streaming.State;
import io.uji.streaming.StateSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A program in a group, end to end in one JVM: contexts on manual clocks joined through the
 * engine's SPI with {@link GroupMember} and {@link KeyedGroupSource}, a real broker. Per-user
 * counts in mapWithState (as the batches emit them) are exact while key groups move to a joining
 * instance with their state.
 */
@ExtendWith(SharedLocalKafkaBroker.class)
class KafkaGroupProgramTest {
  private static final long INTERVAL = 500;
  private static TestKafka kafka;
  @TempDir Path tmp;
  private final List<Instance> instances = new ArrayList<>();
  private final Map<String, Long> truth = new TreeMap<>();
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
    /** Per user, the highest count this instance's batches emitted (an output is at least once). */
    final Map<String, Long> emitted = new ConcurrentHashMap<>();

    Instance(String id) {
      super(tmp.resolve("state-" + id), INTERVAL);
      Map<String, Object> props = kafka.consumerProperties(null);
      KeyedGroupSource<String, String> source = new KeyedGroupSource<>(
          KafkaSource.<String, String>builder(props).topics(topic).build(),
          Map.of("bootstrap.servers", kafka.bootstrap()), List.of(topic), Duration.ofSeconds(10));
      PairDStream<String, String> events = ClusterAccess.keyedStream(ssc, source);
      events.mapValues(v -> 1L).reduceByKey(Long::sum)
          .mapWithState(StateSpec.function((String user, Optional<Long> n, State<Long> s) -> {
            s.update(s.getOption().orElse(0L) + n.orElse(0L));
            return io.uji.streaming.Pair.of(user, s.get());
          })).name("counts")
          .foreachBatch(d -> d.collect().forEach(p -> emitted.merge(p.key(), p.value(), Math::max)));
      GroupMember member = new GroupMember(new GroupMember.Settings(Map.of("bootstrap.servers", kafka.bootstrap()),
          app, id, List.of(topic), "", Duration.ofSeconds(10), Duration.ofSeconds(20)));
      ClusterAccess.joinGroup(ssc, member, app);
      instances.add(this);
      ssc.start();
    }

    Map<String, Long> counts() {
      return new TreeMap<>(emitted);
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

  /** Runs batches on both until {@code b} holds half of the groups (a's revocation waits for its batches). */
  private void awaitMoved(Instance a, Instance b) {
    await().atMost(TestKafka.WAIT).until(() -> {
      a.batch();
      b.batch();
      return assignedTo("b") == 2 && assignedTo("a") == 2;
    });
  }

  /** @return whether the group's committed offsets are the topic's ends */
  private boolean consumedAll() {
    Map<TopicPartition, Long> ends = kafka.endOffsets(topic, 4);
    return kafka.groupOffsets(app).equals(ends);
  }

  @Test
  void countsStayExactWhileKeyGroupsMoveToAJoiningInstance() throws Exception {
    app = TestKafka.unique("grp");
    topic = kafka.createTopic("grp-in", 4);
    produce(400, 30);
    Instance a = new Instance("a");
    await().atMost(TestKafka.WAIT).until(() -> {
      a.batch();
      return consumedAll() && a.counts().equals(truth);
    });

    Instance b = new Instance("b");
    awaitMoved(a, b);
    produce(400, 30);
    await().atMost(TestKafka.WAIT).until(() -> {
      a.batch();
      b.batch();
      Map<String, Long> union = new TreeMap<>(a.counts());
      b.counts().forEach((k, v) -> union.merge(k, v, Math::max));
      return consumedAll() && union.equals(truth) && !b.counts().isEmpty();
    });
    // every count b emitted continues the count a had: b restored the state of the groups it took
    b.counts().forEach((user, n) -> assertEquals(truth.get(user), n, user));
  }

  @Test
  void anInstanceThatStopsGracefullyHandsEveryGroupOverAndCountsStayExact() throws Exception {
    app = TestKafka.unique("grp");
    topic = kafka.createTopic("grp-in", 4);
    produce(300, 25);
    Instance a = new Instance("a");
    Instance b = new Instance("b");
    awaitMoved(a, b);
    await().atMost(TestKafka.WAIT).until(() -> {
      a.batch();
      b.batch();
      Map<String, Long> union = new TreeMap<>(a.counts());
      b.counts().forEach((k, v) -> union.merge(k, v, Math::max));
      return consumedAll() && union.equals(truth);
    });
    a.ssc.stop(true); // leaves the group after its last batch: b need not wait for a session timeout
    instances.remove(a);
    produce(300, 25);
    await().atMost(TestKafka.WAIT).until(() -> {
      b.batch();
      return consumedAll() && b.counts().keySet().containsAll(truth.keySet())
          && truth.entrySet().stream().allMatch(e -> e.getValue().equals(b.counts().get(e.getKey())));
    });
  }
}
