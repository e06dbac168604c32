package io.uji.kafka;

import static io.uji.kafka.GroupMemberTest.batch;
import static io.uji.kafka.GroupMemberTest.commit;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.kafka.GroupMemberTest.FakeEngine;
import io.uji.kafka.local.LocalKafkaBroker;
import io.uji.kafka.local.SharedLocalKafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Standby replicas (design 8) against a real broker, with the engine stand-in of {@link
 * GroupMemberTest}: a member keeps standby copies of the groups another member runs by tailing
 * their changelogs, and when that member leaves or dies it takes them over restoring only what
 * its copies had not read (counted in changelog records, not in time).
 */
@ExtendWith(SharedLocalKafkaBroker.class)
class StandbyReplicaTest {
  private static TestKafka kafka;
  private final List<GroupMember> members = new ArrayList<>();

  @BeforeAll
  static void setUp(LocalKafkaBroker broker) {
    kafka = new TestKafka(broker);
  }

  @AfterEach
  void stop() {
    members.forEach(m -> m.stop(true));
  }

  private GroupMember member(String app, String instance, String topic, FakeEngine engine, int standbys) {
    GroupMember m = new GroupMember(new GroupMember.Settings(Map.of("bootstrap.servers", kafka.bootstrap()), app,
        instance, List.of(topic), instance + ":80", Duration.ofSeconds(6), Duration.ofSeconds(20), standbys));
    members.add(m);
    m.start(engine);
    return m;
  }

  /** Two members on four key groups, each running two; a commits {@code batches} batches of one change per group. */
  private record Pair(String topic, GroupMember a, FakeEngine ea, GroupMember b, FakeEngine eb, Set<Integer> fromA) {}

  private Pair twoMembers(int standbys, int batches) {
    String app = TestKafka.unique("sb");
    String topic = kafka.createTopic("sb-in", 4);
    FakeEngine ea = new FakeEngine();
    FakeEngine eb = new FakeEngine();
    GroupMember a = member(app, "a", topic, ea, standbys);
    GroupMember b = member(app, "b", topic, eb, standbys);
    await().atMost(TestKafka.WAIT).until(() -> ea.running.size() == 2 && eb.running.size() == 2);
    Set<Integer> fromA = Set.copyOf(ea.running);
    for (int i = 1; i <= batches; i++) {
      commit(a, batch(topic, fromA, i - 1, i, (byte) i));
    }
    return new Pair(topic, a, ea, b, eb, fromA);
  }

  /** Waits until b's standby copies of a's groups hold a's last committed changes, at a's positions. */
  private static void awaitCaughtUp(Pair p, byte value) {
    await().atMost(TestKafka.WAIT).untilAsserted(() -> {
      for (int g : p.fromA()) {
        assertArrayEquals(new byte[] {value}, p.eb().state.getOrDefault(g, Map.of()).get("user-" + g));
        // at or past a's position: past it by the transaction's marker, which holds no change
        assertTrue(p.b().positions().position("counts", g) >= p.a().positions().position("counts", g));
      }
    });
  }

  @Test
  void aStandbyTailsTheActivesChangelogAndTakesOverRestoringNothingWhenCaughtUp() {
    Pair p = twoMembers(1, 3);
    awaitCaughtUp(p, (byte) 3);
    assertEquals(6, p.b().standbyChanges(), "3 changes of each of a's 2 groups, each read once");
    long restoredBefore = p.b().restoredChanges();
    p.a().stop(true);
    members.remove(p.a());
    await().atMost(TestKafka.WAIT).until(() -> p.eb().running.size() == 4);
    assertEquals(0, p.b().restoredChanges() - restoredBefore, "the promoted copies were complete: no tail to read");
    for (int g : p.fromA()) {
      assertArrayEquals(new byte[] {3}, p.eb().state.get(g).get("user-" + g));
      assertEquals(Map.of(p.topic() + "-" + g, 3L), p.eb().starts.get(g));
    }
    commit(p.b(), batch(p.topic(), Set.of(0, 1, 2, 3), 3, 4, (byte) 4)); // and it commits them
  }

  @Test
  void withoutStandbysTheSameTakeOverRestoresTheWholeChangelog() {
    Pair p = twoMembers(0, 3);
    await().atMost(TestKafka.WAIT).until(() -> p.a().positions().position("counts", p.fromA().iterator().next()) > 0);
    long restoredBefore = p.b().restoredChanges();
    p.a().stop(true);
    members.remove(p.a());
    await().atMost(TestKafka.WAIT).until(() -> p.eb().running.size() == 4);
    assertEquals(0, p.b().standbyChanges());
    assertEquals(6, p.b().restoredChanges() - restoredBefore, "3 changes of each of a's 2 groups");
    for (int g : p.fromA()) {
      assertArrayEquals(new byte[] {3}, p.eb().state.get(g).get("user-" + g));
    }
  }

  @Test
  void aStandbyPromotedAfterTheActiveDiedReadsEachChangeOnceBetweenTailAndRestore() {
    Pair p = twoMembers(1, 3);
    awaitCaughtUp(p, (byte) 3);
    long restoredBefore = p.b().restoredChanges();
    commit(p.a(), batch(p.topic(), p.fromA(), 3, 4, (byte) 4));
    p.a().stop(false); // as a kill: it stays a member until its session times out
    members.remove(p.a());
    await().atMost(TestKafka.WAIT).until(() -> p.eb().running.size() == 4);
    long restored = p.b().restoredChanges() - restoredBefore;
    assertEquals(8, p.b().standbyChanges() + restored,
        "each of the 8 changes of a's groups read once, by the standby or by the promotion's restore");
    for (int g : p.fromA()) {
      assertArrayEquals(new byte[] {4}, p.eb().state.get(g).get("user-" + g));
      assertEquals(Map.of(p.topic() + "-" + g, 4L), p.eb().starts.get(g));
    }
  }
}
