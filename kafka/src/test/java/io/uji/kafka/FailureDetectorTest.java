package io.uji.kafka;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.kafka.local.LocalKafkaBroker;
import io.uji.kafka.local.SharedLocalKafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The failure detector over a real liveness topic: of four beaconing instances, the one that stops
 * beaconing (as a crash or a pause would) is removed from the consumer group (where it is a static
 * member with a session timeout far longer than the test) and fenced; the one that says LEAVING
 * before its silence and the one still beaconing are not.
 */
@ExtendWith(SharedLocalKafkaBroker.class)
class FailureDetectorTest {
  private static TestKafka kafka;
  private final List<AutoCloseable> open = new ArrayList<>();
  private Admin admin;
  private String app;
  private String topic;

  @BeforeAll
  static void setUp(LocalKafkaBroker broker) {
    kafka = new TestKafka(broker);
  }

  @BeforeEach
  void liveness() {
    admin = kafka.admin();
    open.add(admin);
    app = TestKafka.unique("fd");
    topic = LivenessTopic.ensure(admin, app, (short) -1, TestKafka.WAIT);
    TestKafka.awaitLeaders(admin, topic, 1);
  }

  @AfterEach
  void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private Map<String, Object> client() {
    return Map.of("bootstrap.servers", kafka.bootstrap());
  }

  private LivenessBeacon beacon(String instanceId) {
    LivenessBeacon b = new LivenessBeacon(client(), topic, instanceId, Duration.ofMillis(100), () -> 1);
    open.add(b);
    b.start();
    return b;
  }

  /** A static member of the application's consumer group, as an instance's membership consumer is. */
  private KafkaConsumer<String, String> member(String instanceId, String input) {
    Map<String, Object> config = new HashMap<>(kafka.consumerProperties(app));
    config.put("group.instance.id", instanceId);
    config.put("session.timeout.ms", 45_000);
    KafkaConsumer<String, String> c = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    open.add(c);
    c.subscribe(List.of(input));
    await().atMost(TestKafka.WAIT).until(() -> {
      c.poll(Duration.ofMillis(100));
      return !c.assignment().isEmpty();
    });
    return c;
  }

  private List<String> groupInstanceIds() throws Exception {
    return admin.describeConsumerGroups(List.of(app)).all().get().get(app).members().stream()
        .map(MemberDescription::groupInstanceId).flatMap(java.util.Optional::stream).toList();
  }

  @Test
  void aMemberThatStopsBeaconingIsRemovedFromTheGroupAndOneThatLeavesOrBeaconsIsNot() throws Exception {
    String input = kafka.createTopic("fd-in", 1);
    member("d", input); // polled no more: only the detector can remove it within the test
    assertEquals(List.of("d"), groupInstanceIds());

    FailureDetector detector = new FailureDetector(client(), topic, "a", Duration.ofMillis(100),
        Duration.ofMillis(600), new SuspectFence(admin, app, new TransactionFencer(client(), TestKafka.WAIT),
            TestKafka.WAIT));
    open.add(detector);
    detector.start();
    beacon("a");
    beacon("b");
    LivenessBeacon c = beacon("c");
    LivenessBeacon d = beacon("d");
    await().atMost(TestKafka.WAIT).until(() -> detector.heard().equals(List.of("a", "b", "c", "d")));

    c.leave(TestKafka.WAIT); // a graceful stop: silent from now on, and no failure
    d.close(); // a crash: silent from now on
    await().atMost(TestKafka.WAIT).until(() -> !detector.fencedSoFar().isEmpty());
    // c has been silent at least as long as d: had its silence counted, it would be fenced first.
    assertEquals(List.of("d"), detector.fencedSoFar());
    await().atMost(TestKafka.WAIT).until(() -> !groupInstanceIds().contains("d"));
    assertEquals(List.of("a", "b", "d"), detector.heard(), "c said LEAVING: forgotten; d kept, fenced, until it beacons");
    assertTrue(Objects.equals(List.of("d"), detector.fencedSoFar()), "b, beaconing all along, is not suspected");
  }
}
