package io.uji.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.uji.engine.cluster.ChangelogPositions;
import io.uji.kafka.local.LocalKafkaBroker;
import io.uji.kafka.local.SharedLocalKafkaBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Which copies of a local checkpoint are continued at start (design 7.2), against a real broker's
 * offsets and topic configuration: a copy is kept only with the topic id it was taken on, a
 * position within [log start, end] and an age under {@code delete.retention.ms} minus one hour
 * (the broker's default: 24 h); anything else drops it (-1).
 */
@ExtendWith(SharedLocalKafkaBroker.class)
class LocalCopiesTest {
  private static final long NOW = 1_000_000_000_000L;
  private static final long FRESH = NOW - Duration.ofMinutes(5).toMillis();
  private static TestKafka kafka;
  private static Admin admin;

  @BeforeAll
  static void setUp(LocalKafkaBroker broker) {
    kafka = new TestKafka(broker);
    admin = kafka.admin();
  }

  @AfterAll
  static void close() {
    admin.close();
  }

  /** A topic of 4 partitions (not compacted, so that records can be deleted) with 10 records in each. */
  private static String topic() {
    String t = kafka.createTopic("lcc", 4);
    for (int p = 0; p < 4; p++) {
      kafka.produce(t, p, "k", 0, 10);
    }
    return t;
  }

  private static String id(String topic) {
    return TestKafka.get(admin.describeTopics(List.of(topic)).allTopicNames()).get(topic).topicId().toString();
  }

  private static long[] check(String topic, String checkpointTopicId, long[] positions, long reachedAfter) {
    ChangelogPositions restored = new ChangelogPositions(Map.of("counts", checkpointTopicId),
        Map.of("counts", positions));
    return LocalCopies.check(admin, Duration.ofSeconds(30), Map.of("counts", topic), Map.of("counts", id(topic)), 4,
        restored, (op, g) -> reachedAfter, NOW).positions().get("counts");
  }

  @Test
  void copiesWithinTheLogAndYoungerThanTheTombstoneRetentionAreKept() {
    String t = topic();
    assertArrayEquals(new long[] {0, 5, 10, -1}, check(t, id(t), new long[] {0, 5, 10, -1}, FRESH));
  }

  @Test
  void aCopyPastTheEndOrBeforeTheLogStartIsDropped() {
    String t = topic();
    kafka.deleteRecordsBefore(t, 1, 6);
    assertArrayEquals(new long[] {-1, -1, 3, 10}, check(t, id(t), new long[] {11, 3, 3, 10}, FRESH));
  }

  @Test
  void copiesOfAnotherTopicIdAreDropped() {
    String t = topic();
    assertArrayEquals(new long[] {-1, -1, -1, -1},
        check(t, "AAAAAAAAAAAAAAAAAAAAAA", new long[] {0, 5, 10, 1}, FRESH));
  }

  @Test
  void copiesThatMayBeOlderThanTheTombstoneRetentionMinusAnHourAreDropped() {
    String t = topic();
    long almost = NOW - Duration.ofHours(23).toMillis() + 1; // younger than 24 h - 1 h: kept
    assertArrayEquals(new long[] {0, 5, 10, 1}, check(t, id(t), new long[] {0, 5, 10, 1}, almost));
    long old = NOW - Duration.ofHours(23).toMillis();
    assertArrayEquals(new long[] {-1, -1, -1, -1}, check(t, id(t), new long[] {0, 5, 10, 1}, old));
    assertArrayEquals(new long[] {-1, -1, -1, -1}, check(t, id(t), new long[] {0, 5, 10, 1}, -1)); // unknown age
  }
}
