package io.uji.kafka;

import static io.uji.kafka.GroupMemberTest.key;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.uji.kafka.GroupMemberTest.FakeEngine;
import io.uji.kafka.local.LocalKafkaBroker;
import io.uji.kafka.local.SharedLocalKafkaBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The standby tailer against a real broker: it applies a changelog's committed changes and never
 * an aborted transaction's, keeps the copy's position where the restorer reads it, and a standby
 * dropped is wiped and its position forgotten unless it became active here.
 */
@ExtendWith(SharedLocalKafkaBroker.class)
class StandbyTailerTest {
  private static TestKafka kafka;
  private String changelog;
  private FakeEngine engine;
  private GroupProducer positions;
  private StandbyTailer tailer;

  @BeforeAll
  static void setUp(LocalKafkaBroker broker) {
    kafka = new TestKafka(broker);
  }

  @BeforeEach
  void changelog() throws Exception {
    changelog = kafka.createTopic("sb-changelog", 4);
    // group 0: u1=1, u2=1 committed; u1=99 aborted (a zombie's write); u1=2 committed.
    // Offsets: 0, 1, marker 2, 3, marker 4, 5, marker 6: the end is 7.
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrap(),
        "transactional.id", TestKafka.unique("sb-writer")), new ByteArraySerializer(), new ByteArraySerializer())) {
      p.initTransactions();
      p.beginTransaction();
      p.send(new ProducerRecord<>(changelog, 0, key(0, "u1"), new byte[] {1}));
      p.send(new ProducerRecord<>(changelog, 0, key(0, "u2"), new byte[] {1}));
      p.commitTransaction();
      p.beginTransaction();
      p.send(new ProducerRecord<>(changelog, 0, key(0, "u1"), new byte[] {99})).get();
      p.abortTransaction();
      p.beginTransaction();
      p.send(new ProducerRecord<>(changelog, 0, key(0, "u1"), new byte[] {2}));
      p.commitTransaction();
    }
    engine = new FakeEngine();
    Map<String, Object> config = Map.of("bootstrap.servers", kafka.bootstrap());
    positions = new GroupProducer(config, "unused", List.of("in"), Map.of("counts", changelog),
        Map.of("counts", "id"), 4, () -> null, Duration.ofSeconds(20), Map.of());
    tailer = new StandbyTailer(config, "sb-tailer", engine, positions, Map.of("counts", changelog));
  }

  @AfterEach
  void close() {
    tailer.close();
  }

  private void tailUntilAt(long position) {
    await().atMost(TestKafka.WAIT).until(() -> {
      tailer.step(Duration.ofMillis(100));
      return positions.positions().position("counts", 0) == position;
    });
  }

  @Test
  void aStandbyAppliesTheCommittedChangesOnlyAndRecordsItsPosition() {
    tailer.tail(Set.of(0), Set.of());
    tailUntilAt(7);
    assertArrayEquals(new byte[] {2}, engine.state.get(0).get("u1"));
    assertArrayEquals(new byte[] {1}, engine.state.get(0).get("u2"));
    assertEquals(3, tailer.appliedChanges(), "the aborted change is never applied");
    SortedMap<Integer, Long> copies = tailer.copies();
    assertEquals(Map.of(0, 7L), copies, "the subscription's copies: group 0 at 7");
  }

  @Test
  void aStandbyDroppedIsWipedAndForgottenAndReadFromTheStartIfItComesBack() {
    tailer.tail(Set.of(0), Set.of());
    tailUntilAt(7);
    tailer.tail(Set.of(), Set.of());
    assertNull(engine.state.get(0), "wiped");
    assertEquals(-1, positions.positions().position("counts", 0), "forgotten");
    tailer.tail(Set.of(0), Set.of());
    tailUntilAt(7);
    assertEquals(6, tailer.appliedChanges(), "read again from the log start");
    assertArrayEquals(new byte[] {2}, engine.state.get(0).get("u1"));
  }

  @Test
  void aStandbyThatBecameActiveKeepsItsCopyAndPositionForItsRestore() {
    tailer.tail(Set.of(0), Set.of());
    tailUntilAt(7);
    tailer.tail(Set.of(), Set.of(0));
    assertArrayEquals(new byte[] {2}, engine.state.get(0).get("u1"));
    assertEquals(7, positions.positions().position("counts", 0));
  }

  @Test
  void aStandbyContinuesACopyFromItsPosition() {
    positions.restored("counts", 0, 5); // a copy (here: none in the state) that holds the changelog up to 5
    tailer.tail(Set.of(0), Set.of());
    tailUntilAt(7);
    assertEquals(1, tailer.appliedChanges(), "only u1=2, at offset 5");
    assertEquals(Map.of("u1", 2), Map.of("u1", (int) engine.state.get(0).get("u1")[0]));
  }
}
