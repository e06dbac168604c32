package io.uji.kafka;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.engine.cluster.BatchCommit;
import io.uji.engine.cluster.ChangeWriter;
import io.uji.engine.cluster.ChangelogPositions;
import io.uji.engine.cluster.ClusterMember.CommitOutcome;
import io.uji.engine.cluster.GroupControl;
import io.uji.engine.cluster.GroupStateAccess;
import io.uji.engine.cluster.InputRange;
import io.uji.engine.cluster.StateChange;
import io.uji.kafka.local.LocalKafkaBroker;
import io.uji.kafka.local.SharedLocalKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Group members against a real broker with a stand-in for the engine (a GroupControl that runs
 * what it is told and keeps state in memory): groups activated after their restore, batches
 * committed with the group's generation, groups moving to a new member with their state.
 */
@ExtendWith(SharedLocalKafkaBroker.class)
class GroupMemberTest {
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

  /** The engine's side, in memory: running groups, their start offsets, and state per group. */
  static final class FakeEngine implements GroupControl, GroupStateAccess {
    final Set<Integer> running = ConcurrentHashMap.newKeySet();
    final Map<Integer, Map<String, Long>> starts = new ConcurrentHashMap<>();
    final Map<Integer, Map<String, byte[]>> state = new ConcurrentHashMap<>();
    final List<String> events = new CopyOnWriteArrayList<>();
    final long signature;

    FakeEngine() {
      this(7L);
    }

    FakeEngine(long signature) {
      this.signature = signature;
    }

    @Override
    public void rebalanceStarted() {}

    @Override
    public void revoke(Set<Integer> groups) {
      running.removeAll(groups);
      events.add("revoke " + groups);
    }

    @Override
    public void activate(int group, Map<String, Long> start) {
      starts.put(group, start);
      running.add(group);
      events.add("activate " + group);
    }

    @Override
    public void lost(Set<Integer> groups, String reason) {
      running.removeAll(groups);
      events.add("lost " + groups);
    }

    @Override
    public void resetAll(String reason) {
      running.clear();
      events.add("reset");
    }

    @Override
    public GroupStateAccess stateAccess() {
      return this;
    }

    @Override
    public void fail(Throwable error) {
      events.add("fail " + error.getMessage());
    }

    @Override
    public int groups() {
      return 4;
    }

    @Override
    public List<StatefulOperator> operators() {
      return List.of(new StatefulOperator("counts", "mapWithState", signature));
    }

    @Override
    public Optional<ChangelogPositions> restoredPositions() {
      return Optional.empty();
    }

    @Override
    public void wipe(String operator, int group) {
      state.remove(group);
    }

    @Override
    public void apply(String operator, int group, List<StateChange> changes) {
      if (running.contains(group)) {
        throw new IllegalStateException("key group " + group + " runs here"); // as the engine
      }
      Map<String, byte[]> m = state.computeIfAbsent(group, g -> new ConcurrentHashMap<>());
      for (StateChange c : changes) {
        String k = new String(c.key(), 2, c.key().length - 2, StandardCharsets.UTF_8);
        if (c.tombstone()) {
          m.remove(k);
        } else {
          m.put(k, c.value());
        }
      }
    }
  }

  private GroupMember member(String app, String instance, String topic, FakeEngine engine) {
    GroupMember m = new GroupMember(new GroupMember.Settings(Map.of("bootstrap.servers", kafka.bootstrap()), app,
        instance, List.of(topic), instance + ":80", Duration.ofSeconds(10), Duration.ofSeconds(20)));
    members.add(m);
    m.start(engine);
    return m;
  }

  static byte[] key(int group, String k) {
    byte[] b = k.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[b.length + 2];
    out[1] = (byte) group;
    System.arraycopy(b, 0, out, 2, b.length);
    return out;
  }

  /** A batch over every group in {@code groups}: offsets [from, until) and one change per group. */
  static BatchCommit batch(String topic, Set<Integer> groups, long from, long until, byte value) {
    List<InputRange> ranges = new ArrayList<>();
    List<StateChange> changes = new ArrayList<>();
    for (int g : groups) {
      ranges.add(new InputRange(topic + "-" + g, g, from, until));
      changes.add(new StateChange("counts", g, key(g, "user-" + g), new byte[] {value}, -1));
    }
    return new BatchCommit() {
      @Override
      public long batchTimeMs() {
        return 1000L * value;
      }

      @Override
      public List<InputRange> ranges() {
        return ranges;
      }

      @Override
      public Set<Integer> groups() {
        return groups;
      }

      @Override
      public void drainChanges(ChangeWriter writer) {
        changes.forEach(writer::write);
      }
    };
  }

  /** Commits until the member's generation is known and the batch is committed (not deferred). */
  static void commit(GroupMember m, BatchCommit b) {
    await().atMost(TestKafka.WAIT).until(() -> m.commit(b) == CommitOutcome.COMMITTED);
  }

  @Test
  void aGroupOfOneRunsEveryKeyGroupAndCommitsWithItsGeneration() {
    String app = TestKafka.unique("gm");
    String topic = kafka.createTopic("gm-in", 4);
    FakeEngine e = new FakeEngine();
    GroupMember a = member(app, "a", topic, e);
    await().atMost(TestKafka.WAIT).until(() -> e.running.equals(Set.of(0, 1, 2, 3)));
    assertEquals(Map.of(), e.starts.get(0), "nothing committed yet: the source's start");
    commit(a, batch(topic, Set.of(0, 1, 2, 3), 0, 7, (byte) 1));
    // committed offsets are listed once the transaction's marker reached the group coordinator
    await().atMost(TestKafka.WAIT).untilAsserted(() -> {
      Map<TopicPartition, Long> offsets = kafka.groupOffsets(app);
      for (int g = 0; g < 4; g++) {
        assertEquals(7L, offsets.get(new TopicPartition(topic, g)));
      }
    });
    assertEquals(1L, a.positions().position("counts", 0));
  }

  @Test
  void aJoiningMemberTakesGroupsOverWithTheirStateAndOffsets() {
    String app = TestKafka.unique("gm");
    String topic = kafka.createTopic("gm-in", 4);
    FakeEngine ea = new FakeEngine();
    GroupMember a = member(app, "a", topic, ea);
    await().atMost(TestKafka.WAIT).until(() -> ea.running.size() == 4);
    commit(a, batch(topic, Set.of(0, 1, 2, 3), 0, 5, (byte) 1));
    commit(a, batch(topic, Set.of(0, 1, 2, 3), 5, 9, (byte) 2));
    FakeEngine eb = new FakeEngine();
    member(app, "b", topic, eb);
    // a keeps committing what it still runs while the groups move (a revocation waits for that)
    await().atMost(TestKafka.WAIT).until(() -> {
      Set<Integer> still = Set.copyOf(ea.running);
      if (!still.isEmpty()) {
        try {
          a.commit(batch(topic, still, 9, 9, (byte) 2));
        } catch (io.uji.engine.cluster.BatchAbortedException e) {
          // a commit sent with the generation the group just left: aborted, and a's groups reset
          // and activated again (the engine would redo the batch's input), as here
        }
      }
      return ea.running.size() == 2 && eb.running.size() == 2;
    });
    Set<Integer> moved = Set.copyOf(eb.running);
    assertTrue(ea.events.stream().anyMatch(s -> s.startsWith("revoke")), ea.events.toString());
    for (int g : moved) {
      assertEquals(Map.of(topic + "-" + g, 9L), eb.starts.get(g), "starts at the committed offset");
      assertArrayEquals(new byte[] {2}, eb.state.get(g).get("user-" + g), "the state came with the group");
    }
    Set<Integer> all = new java.util.TreeSet<>(ea.running);
    all.addAll(eb.running);
    assertEquals(Set.of(0, 1, 2, 3), all);
  }

  @Test
  void aMemberThatLeavesHandsItsGroupsOverAtOnce() {
    String app = TestKafka.unique("gm");
    String topic = kafka.createTopic("gm-in", 4);
    FakeEngine ea = new FakeEngine();
    FakeEngine eb = new FakeEngine();
    GroupMember a = member(app, "a", topic, ea);
    GroupMember b = member(app, "b", topic, eb);
    await().atMost(TestKafka.WAIT).until(() -> ea.running.size() == 2 && eb.running.size() == 2);
    Set<Integer> fromA = Set.copyOf(ea.running);
    commit(a, batch(topic, fromA, 0, 3, (byte) 5));
    a.stop(true);
    members.remove(a);
    await().atMost(Duration.ofSeconds(8)).until(() -> eb.running.size() == 4); // well under the 10 s session
    for (int g : fromA) {
      assertArrayEquals(new byte[] {5}, eb.state.get(g).get("user-" + g));
    }
    commit(b, batch(topic, Set.of(0, 1, 2, 3), 3, 4, (byte) 6));
  }

  @Test
  void aMemberRunningAnotherProgramStopsWithAClearErrorAndTakesNothing() {
    String app = TestKafka.unique("gm");
    String topic = kafka.createTopic("gm-in", 4);
    FakeEngine ea = new FakeEngine();
    member(app, "a", topic, ea);
    await().atMost(TestKafka.WAIT).until(() -> ea.running.size() == 4);
    FakeEngine other = new FakeEngine(8L); // its state types differ
    member(app, "b", topic, other);
    await().atMost(TestKafka.WAIT).until(() -> other.events.stream().anyMatch(e -> e.startsWith("fail ")));
    assertTrue(other.events.stream().anyMatch(e -> e.contains("stateful operators differ from the group's")),
        other.events.toString());
    assertEquals(Set.of(), other.running);
    await().atMost(TestKafka.WAIT).until(() -> ea.running.size() == 4); // a keeps (or gets back) every group
  }
}
