package io.uji.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.engine.cluster.BatchCommit;
import io.uji.engine.cluster.ChangeWriter;
import io.uji.engine.cluster.ChangelogPositions;
import io.uji.engine.cluster.GroupStateAccess;
import io.uji.engine.cluster.InputRange;
import io.uji.engine.cluster.StateChange;
import io.uji.kafka.local.LocalKafkaBroker;
import io.uji.kafka.local.SharedLocalKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Restores key groups from changelogs that GroupProducer wrote, committed and aborted batches mixed. */
@ExtendWith(SharedLocalKafkaBroker.class)
class ChangelogRestorerTest {
  private static TestKafka kafka;
  private String app;
  private String changelog;
  private String topicId;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @BeforeAll
  static void setUp(LocalKafkaBroker broker) {
    kafka = new TestKafka(broker);
  }

  @BeforeEach
  void topics() {
    app = TestKafka.unique("rs");
    changelog = ChangelogTopics.name(app, "counts");
    try (Admin admin = kafka.admin()) {
      topicId = new ChangelogTopics(admin, TestKafka.WAIT, (short) -1, Map.of()).ensure(List.of(changelog), 2)
          .get(changelog).toString();
    }
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  /** The state of one operator's groups as the engine would hold it: key -> (value, filedAt). */
  private static final class MemoryState implements GroupStateAccess {
    final Map<Integer, Map<String, byte[]>> groups = new HashMap<>();
    final Map<String, Long> filed = new HashMap<>();
    int wipes;
    int applied;

    @Override
    public int groups() {
      return 2;
    }

    @Override
    public List<StatefulOperator> operators() {
      return List.of(new StatefulOperator("counts", "mapWithState", 7L));
    }

    @Override
    public Optional<ChangelogPositions> restoredPositions() {
      return Optional.empty();
    }

    @Override
    public void wipe(String operator, int group) {
      wipes++;
      groups.remove(group);
    }

    @Override
    public void apply(String operator, int group, List<StateChange> changes) {
      Map<String, byte[]> m = groups.computeIfAbsent(group, g -> new TreeMap<>());
      for (StateChange c : changes) {
        assertEquals(group, c.group());
        assertEquals(group, c.key()[1]);
        String k = new String(c.key(), 2, c.key().length - 2, StandardCharsets.UTF_8);
        if (c.tombstone()) {
          m.remove(k);
        } else {
          m.put(k, c.value());
        }
        if (c.filedAt() >= 0) {
          filed.put(k, c.filedAt());
        }
        applied++;
      }
    }
  }

  private GroupProducer producer() {
    GroupProducer p = new GroupProducer(Map.of("bootstrap.servers", kafka.bootstrap()), app + "-uji-i0",
        List.of("in"), Map.of("counts", changelog), Map.of("counts", topicId), 2, () -> new ConsumerGroupMetadata(app),
        Duration.ofSeconds(20), Map.of());
    closeables.add(p);
    p.start();
    return p;
  }

  private ChangelogRestorer restorer() {
    return restorer(TestKafka.WAIT);
  }

  private ChangelogRestorer restorer(Duration timeout) {
    Admin admin = kafka.admin();
    closeables.add(admin);
    ChangelogRestorer r = new ChangelogRestorer(Map.of("bootstrap.servers", kafka.bootstrap()), admin, "restorer", timeout);
    closeables.add(r);
    return r;
  }

  private static byte[] key(int group, String k) {
    byte[] b = k.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[b.length + 2];
    out[1] = (byte) group;
    System.arraycopy(b, 0, out, 2, b.length);
    return out;
  }

  private static BatchCommit batch(long time, List<StateChange> changes) {
    return new BatchCommit() {
      @Override
      public long batchTimeMs() {
        return time;
      }

      @Override
      public List<InputRange> ranges() {
        return List.of();
      }

      @Override
      public Set<Integer> groups() {
        return Set.of(); // no input positions known: nothing to commit again
      }

      @Override
      public void drainChanges(ChangeWriter writer) {
        changes.forEach(writer::write);
      }
    };
  }

  @Test
  void aGroupIsRestoredToItsCommittedChangesOnly() {
    GroupProducer p = producer();
    Random rnd = new Random(1);
    Map<String, byte[]> expected = new TreeMap<>();
    long time = 0;
    for (int b = 0; b < 20; b++) {
      List<StateChange> changes = new ArrayList<>();
      Map<String, byte[]> next = new TreeMap<>(expected);
      for (int i = 0; i < 50; i++) {
        String k = "k" + rnd.nextInt(80);
        byte[] v = rnd.nextInt(5) == 0 ? null : new byte[] {(byte) b, (byte) i};
        changes.add(new StateChange("counts", 1, key(1, k), v, v == null ? -1 : time));
        if (v == null) {
          next.remove(k);
        } else {
          next.put(k, v);
        }
      }
      if (b % 7 == 3) {
        p.commit(batch(time, changes), true); // sent, then aborted: never applied
        p.abortQuietly();
      } else {
        p.commit(batch(time, changes), false);
        expected = next;
      }
      time += 500;
    }
    MemoryState state = new MemoryState();
    Map<String, Long> positions = restorer().restore(state, 1, Map.of("counts", changelog), Map.of("counts", topicId),
        ChangelogPositions.none());
    assertEquals(1, state.wipes, "no local copy: wiped first");
    assertEquals(expected.keySet(), state.groups.get(1).keySet());
    expected.forEach((k, v) -> assertArrayEquals(v, state.groups.get(1).get(k), k));
    assertEquals(kafka.endOffsets(changelog, 2).get(new org.apache.kafka.common.TopicPartition(changelog, 1)),
        positions.get("counts"));
    assertNull(state.groups.get(0), "the other group is not touched");
  }

  @Test
  void aTrustedLocalCopyIsContinuedFromItsPosition() {
    GroupProducer p = producer();
    p.commit(batch(0, List.of(new StateChange("counts", 0, key(0, "a"), new byte[] {1}, -1))), false);
    long mid = p.positions().position("counts", 0);
    p.commit(batch(500, List.of(new StateChange("counts", 0, key(0, "b"), new byte[] {2}, 500))), false);
    MemoryState state = new MemoryState();
    state.groups.put(0, new TreeMap<>(Map.of("a", new byte[] {1})));
    ChangelogPositions local = new ChangelogPositions(Map.of("counts", topicId), Map.of("counts", new long[] {mid, -1}));
    restorer().restore(state, 0, Map.of("counts", changelog), Map.of("counts", topicId), local);
    assertEquals(0, state.wipes);
    assertEquals(1, state.applied, "only the tail");
    assertEquals(2, state.groups.get(0).size());
    assertEquals(500L, state.filed.get("b"), "the filing time comes back from the header");
  }

  @Test
  void aLocalCopyOfAnotherTopicIsNotTrusted() {
    assertTrue(ChangelogRestorer.trust(5, 0, 10, "id-new", "id-old").contains("recreated"));
    assertTrue(ChangelogRestorer.trust(5, 6, 10, "id", "id").contains("before the log start"));
    assertTrue(ChangelogRestorer.trust(11, 0, 10, "id", "id").contains("past the end"));
    assertNull(ChangelogRestorer.trust(10, 0, 10, "id", "id"));
  }

  @Test
  void aTransactionStillOpenOnTheChangelogStopsTheRestoreWithAClearError() {
    // a transaction whose marker has not arrived (or a zombie's) holds back the stable offset: the
    // restore waits for it to end, and past its timeout says so instead of restoring too little
    try (KafkaProducer<byte[], byte[]> open = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrap(),
        "transactional.id", app + "-other"), new ByteArraySerializer(), new ByteArraySerializer())) {
      open.initTransactions();
      open.beginTransaction();
      open.send(new org.apache.kafka.clients.producer.ProducerRecord<>(changelog, 0, key(0, "x"), new byte[] {9}));
      open.flush();
      MemoryState state = new MemoryState();
      UjiKafkaException e = assertThrows(UjiKafkaException.class, () -> restorer(Duration.ofSeconds(2)).restore(state, 0,
          Map.of("counts", changelog), Map.of("counts", topicId), ChangelogPositions.none()));
      assertTrue(e.getMessage().contains("a transaction is still open at offset 0"), e.getMessage());
      assertNull(state.groups.get(0));
      open.abortTransaction();
      Map<String, Long> positions = restorer().restore(state, 0, Map.of("counts", changelog), Map.of("counts", topicId),
          ChangelogPositions.none());
      assertEquals(2L, positions.get("counts"), "after the abort: the aborted record and its marker");
      assertTrue(state.groups.get(0) == null || state.groups.get(0).isEmpty(), "nothing aborted is applied");
    }
  }
}
