package io.uji.kafka;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.kafka.local.LocalKafkaBroker;
import io.uji.kafka.local.SharedLocalKafkaBroker;
import io.uji.streaming.Pair;
import io.uji.streaming.State;
import io.uji.streaming.StateSpec;
import java.nio.file.Path;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local checkpoints in a group (design 7.1, 7.2) end to end with a real broker: an instance with a
 * checkpoint directory restarted in place under its instance id restores its checkpoint and reads
 * from the changelogs only what was committed after it (counted in changelog records); a copy the
 * changelog no longer vouches for (the topic deleted and created again) is wiped, never
 * continued (records deleted below a copy's position cannot be tested here: a compacted topic refuses
 * deleteRecords; LocalCopies and ChangelogRestorer.trust check the log start). Each run steps fewer than 10 batches: the only checkpoints are those of graceful stops
 * (the periodic one is due every 10 batch intervals).
 */
@ExtendWith(SharedLocalKafkaBroker.class)
class GroupLocalCheckpointTest {
  private static final long INTERVAL = 500;
  private static final int PARTITIONS = 2;
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

  @BeforeEach
  void names() {
    app = TestKafka.unique("lc");
    topic = kafka.createTopic("lc-in", PARTITIONS);
    out = kafka.createTopic("lc-out", 1);
  }

  @AfterEach
  void stop() {
    instances.forEach(i -> i.ssc.stop(false));
  }

  private final class Instance extends SteppedInstance {
    final KafkaGroup<String, String> group;

    Instance(String id) {
      super(tmp.resolve("unused-state-" + id), INTERVAL);
      group = KafkaGroup.<String, String>builder(kafka.consumerProperties(null)).applicationId(app).topics(topic)
          .instanceId(id).build();
      ssc.checkpoint(tmp.resolve("checkpoint-" + id).toString());
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

    /** Runs batches until the group committed every input record (at most 9 batches: no periodic checkpoint). */
    void consumeAll() {
      Map<TopicPartition, Long> ends = kafka.endOffsets(topic, PARTITIONS);
      for (int i = 0; i < 9 && !consumed(ends); i++) {
        batch();
      }
      assertTrue(consumed(ends), "consumed within 9 batches: " + ends + " vs " + kafka.groupOffsets(app));
    }

    private boolean consumed(Map<TopicPartition, Long> ends) {
      Map<TopicPartition, Long> committed = kafka.groupOffsets(app);
      return ends.entrySet().stream().allMatch(e -> committed.getOrDefault(e.getKey(), 0L) >= e.getValue());
    }

    long restored() {
      return group.member().restoredChanges();
    }

    /** Stops as a crash would leave it: no final checkpoint, still a member until its session ends. */
    void crash() {
      ssc.stop(false);
      instances.remove(this);
    }

    void stopGracefully() {
      ssc.stop(true);
      instances.remove(this);
    }
  }

  private void produce(int n, int users) throws Exception {
    try (KafkaProducer<String, String> p = kafka.producer(Map.of("linger.ms", 5))) {
      List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String user = "u" + (i % users);
        acks.add(p.send(new ProducerRecord<>(topic, user, "e")));
        truth.merge(user, 1L, Long::sum);
      }
      for (var a : acks) {
        a.get(60, TimeUnit.SECONDS);
      }
    }
  }

  /** Per user, the last count the output holds. */
  private Map<String, Long> lastCounts() {
    Map<String, Long> last = new TreeMap<>();
    for (ConsumerRecord<String, String> r : kafka.readCommitted(out)) {
      last.put(r.key(), Long.parseLong(r.value()));
    }
    return last;
  }

  private String changelog() {
    return ChangelogTopics.name(app, "counts");
  }

  private int changelogRecords() {
    return kafka.readCommitted(changelog()).size();
  }

  @Test
  void aRestartInPlaceRestoresItsCheckpointAndReadsOnlyTheChangesCommittedAfterIt() throws Exception {
    produce(40, 8);
    Instance a = new Instance("a");
    a.consumeAll();
    a.stopGracefully(); // checkpoints the last committed batch
    int atCheckpoint = changelogRecords();
    assertTrue(atCheckpoint >= 8, "every user's count was logged");

    Instance b = new Instance("a");
    produce(10, 5);
    b.consumeAll(); // every group was restored before it took input
    assertEquals(0, b.restored(), "the checkpoint holds every committed change: nothing to read");
    int afterCheckpoint = changelogRecords() - atCheckpoint;
    assertTrue(afterCheckpoint >= 5, "the 5 users' new counts were logged");
    b.crash(); // no checkpoint of these batches: the live state is ahead of the checkpoint

    Instance c = new Instance("a");
    produce(16, 8);
    c.consumeAll();
    assertEquals(afterCheckpoint, c.restored(),
        "only the changes committed after the checkpoint are read, not the " + (atCheckpoint + afterCheckpoint)
            + " of the log");
    assertEquals(truth, lastCounts(), "every record counted exactly once across the restarts");
  }

  @Test
  void aCopyOfARecreatedChangelogTopicIsWipedAndNotContinued() throws Exception {
    produce(20, 4);
    Instance a = new Instance("a");
    a.consumeAll();
    a.stopGracefully();
    try (org.apache.kafka.clients.admin.Admin admin = kafka.admin()) {
      TestKafka.get(admin.deleteTopics(List.of(changelog())).all());
      await().atMost(TestKafka.WAIT).until(() -> !TestKafka.get(admin.listTopics().names()).contains(changelog()));
    }

    Instance b = new Instance("a"); // creates the changelog topic again: another topic id
    produce(4, 4);
    b.consumeAll();
    assertEquals(0, b.restored());
    Map<String, Long> expected = new TreeMap<>();
    truth.keySet().forEach(u -> expected.put(u, 1L));
    assertEquals(expected, lastCounts());
  }
}
