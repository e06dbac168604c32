package io.uji.kafka;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.uji.kafka.local.LocalKafkaBroker;
import io.uji.kafka.local.SharedLocalKafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The assignor in real consumers of one group (classic protocol, cooperative) against a real
 * broker: members join and leave, and no partition is ever held by two members at once (Kafka's
 * consumer would also refuse an assignment that moved a partition without a revocation).
 */
@ExtendWith(SharedLocalKafkaBroker.class)
class UjiAssignorGroupTest {
  private static TestKafka kafka;
  /** Who holds each partition now, by the members' own callbacks. */
  private final Map<TopicPartition, String> holders = new ConcurrentHashMap<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final List<Member> members = new ArrayList<>();

  @BeforeAll
  static void setUp(LocalKafkaBroker broker) {
    kafka = new TestKafka(broker);
  }

  @AfterEach
  void stopMembers() throws InterruptedException {
    for (Member m : members) {
      m.stop();
    }
  }

  /** A consumer on its own thread, polling; its callbacks update {@link #holders}. */
  private final class Member implements UjiAssignor.Member, ConsumerRebalanceListener {
    final String id;
    final Set<TopicPartition> held = ConcurrentHashMap.newKeySet();
    final AtomicBoolean running = new AtomicBoolean(true);
    final Thread thread;
    volatile AssignmentInfo lastInfo;

    Member(String id, String group, String topic) {
      this.id = id;
      Map<String, Object> config = new HashMap<>();
      config.put("bootstrap.servers", kafka.bootstrap());
      config.put("group.id", group);
      config.put("group.protocol", "classic");
      config.put("partition.assignment.strategy", UjiAssignor.class.getName());
      config.put(UjiAssignor.MEMBER_CONFIG, this);
      config.put("enable.auto.commit", false);
      config.put("heartbeat.interval.ms", 250);
      config.put("session.timeout.ms", 10000);
      thread = new Thread(() -> {
        try (KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
          consumer.subscribe(List.of(topic), this);
          while (running.get()) {
            consumer.poll(Duration.ofMillis(100));
          }
        } catch (RuntimeException e) {
          violations.add(id + " failed: " + e);
        }
      }, "member-" + id);
      thread.start();
    }

    @Override
    public SubscriptionInfo joining() {
      return new SubscriptionInfo(id, id.hashCode(), id + ":80", 7L, -1, new TreeMap<>());
    }

    @Override
    public void assigned(List<TopicPartition> partitions, AssignmentInfo info, int generation) {
      lastInfo = info;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      for (TopicPartition tp : partitions) {
        held.remove(tp);
        holders.remove(tp, id);
      }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      for (TopicPartition tp : partitions) {
        String before = holders.putIfAbsent(tp, id);
        if (before != null && !before.equals(id)) {
          violations.add(tp + " assigned to " + id + " while " + before + " holds it");
        }
        held.add(tp);
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      onPartitionsRevoked(partitions);
    }

    void stop() throws InterruptedException {
      running.set(false);
      thread.join(TestKafka.WAIT.toMillis());
    }
  }

  private void awaitSettled(int partitions) {
    await().atMost(TestKafka.WAIT).untilAsserted(() -> {
      assertEquals(List.of(), violations);
      Set<TopicPartition> all = new HashSet<>();
      int min = Integer.MAX_VALUE;
      int max = 0;
      for (Member m : members) {
        if (m.running.get()) {
          all.addAll(m.held);
          min = Math.min(min, m.held.size());
          max = Math.max(max, m.held.size());
        }
      }
      assertEquals(partitions, all.size(), "every partition held");
      assertEquals(true, max - min <= 1, "balanced: " + min + ".." + max);
    });
  }

  @Test
  void membersJoiningAndLeavingNeverHoldAPartitionTwice() throws InterruptedException {
    String topic = kafka.createTopic("assignor", 6);
    String group = TestKafka.unique("assignor-group");
    members.add(new Member("a", group, topic));
    awaitSettled(6);
    members.add(new Member("b", group, topic));
    awaitSettled(6);
    members.add(new Member("c", group, topic));
    awaitSettled(6);
    assertEquals(2, members.get(0).held.size());
    members.get(1).stop(); // leaves the group on close: its groups go to the others at once
    awaitSettled(6);
    assertEquals(3, members.get(0).held.size());
    assertEquals(3, members.get(2).held.size());
    assertEquals(List.of(), violations);
    await().atMost(TestKafka.WAIT).untilAsserted(() ->
        assertEquals(2, members.get(0).lastInfo.hosts().size(), "the host map lists the live members"));
  }
}
