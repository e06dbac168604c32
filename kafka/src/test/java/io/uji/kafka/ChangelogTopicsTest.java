package io.uji.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.kafka.local.LocalKafkaBroker;
import io.uji.kafka.local.SharedLocalKafkaBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedLocalKafkaBroker.class)
class ChangelogTopicsTest {
  private static TestKafka kafka;

  @BeforeAll
  static void setUp(LocalKafkaBroker broker) {
    kafka = new TestKafka(broker);
  }

  private static ChangelogTopics topics(Admin admin) {
    return new ChangelogTopics(admin, Duration.ofSeconds(30), (short) -1, Map.of());
  }

  @Test
  void namesFollowTheApplicationAndOperator() {
    assertEquals("session-count-counts-changelog", ChangelogTopics.name("session-count", "counts"));
  }

  @Test
  void namesKafkaWouldRefuseAreRefusedNamingTheOperator() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChangelogTopics.name("app", "my counts"));
    assertTrue(e.getMessage().contains("operator 'my counts'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ChangelogTopics.name("app", "x".repeat(240)));
  }

  @Test
  void missingTopicsAreCreatedCompactedWithTheInputsPartitionCount() {
    String app = TestKafka.unique("app");
    String topic = ChangelogTopics.name(app, "counts");
    try (Admin admin = kafka.admin()) {
      Map<String, Uuid> ids = topics(admin).ensure(List.of(topic), 6);
      assertNotEquals(Uuid.ZERO_UUID, ids.get(topic));
      assertEquals(6, TestKafka.get(admin.describeTopics(List.of(topic)).allTopicNames()).get(topic).partitions().size());
      var config = TestKafka.get(admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic)))
          .all()).values().iterator().next();
      assertEquals("compact", config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value());
      assertEquals(Integer.toString(64 << 20), config.get(TopicConfig.SEGMENT_BYTES_CONFIG).value());
      assertEquals("0", config.get(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG).value());
      assertEquals(ids, topics(admin).ensure(List.of(topic), 6), "a second start finds the same topic");
    }
  }

  @Test
  void instancesCreatingTheSameTopicsAtOnceAllSucceed() {
    String topic = ChangelogTopics.name(TestKafka.unique("app"), "counts");
    List<CompletableFuture<Map<String, Uuid>>> starts = List.of(1, 2, 3).stream()
        .map(i -> CompletableFuture.supplyAsync(() -> {
          try (Admin admin = kafka.admin()) {
            return topics(admin).ensure(List.of(topic), 4);
          }
        })).toList();
    Map<String, Uuid> first = starts.get(0).join();
    starts.forEach(s -> assertEquals(first, s.join()));
  }

  @Test
  void anExistingTopicWithAnotherPartitionCountIsAClearError() {
    String topic = kafka.createTopic("app-counts-changelog", 3);
    try (Admin admin = kafka.admin()) {
      UjiKafkaException e = assertThrows(UjiKafkaException.class, () -> topics(admin).ensure(List.of(topic), 6));
      assertTrue(e.getMessage().contains("has 3 partitions but the input has 6"), e.getMessage());
    }
  }

  @Test
  void anExistingTopicThatIsNotCompactedIsAClearError() {
    String topic = TestKafka.unique("app-counts-changelog");
    try (Admin admin = kafka.admin()) {
      TestKafka.get(admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1)
          .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, "delete")))).all());
      UjiKafkaException e = assertThrows(UjiKafkaException.class, () -> topics(admin).ensure(List.of(topic), 2));
      assertTrue(e.getMessage().contains("has cleanup.policy=delete"), e.getMessage());
    }
  }
}
