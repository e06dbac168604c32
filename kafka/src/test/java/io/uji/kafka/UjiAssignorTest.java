package io.uji.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Assignment;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.GroupSubscription;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The assignor's translation between Kafka's subscriptions and the plan, without a broker. */
class UjiAssignorTest {
  private static final Node NODE = new Node(0, "localhost", 9092);

  private static Cluster cluster(Map<String, Integer> topics) {
    List<PartitionInfo> parts = new ArrayList<>();
    topics.forEach((t, n) -> {
      for (int p = 0; p < n; p++) {
        parts.add(new PartitionInfo(t, p, NODE, new Node[] {NODE}, new Node[] {NODE}));
      }
    });
    return new Cluster("c", List.of(NODE), parts, Set.of(), Set.of());
  }

  private static Subscription subscription(String instance, List<TopicPartition> owned, int generation, long signature,
      String server) {
    ByteBuffer data = new SubscriptionInfo(instance, instance.hashCode(), server, signature, generation, new TreeMap<>())
        .encode();
    return new Subscription(List.of("in-a", "in-b"), data, owned, generation, Optional.of(instance));
  }

  private static UjiAssignor assignor() {
    UjiAssignor a = new UjiAssignor();
    a.configure(Map.of(UjiAssignor.MEMBER_CONFIG, new UjiAssignor.Member() {
      @Override
      public SubscriptionInfo joining() {
        throw new AssertionError("not called on the leader's assign");
      }

      @Override
      public void assigned(List<TopicPartition> partitions, AssignmentInfo info, int generation) {}
    }));
    return a;
  }

  private static List<TopicPartition> both(int... groups) {
    List<TopicPartition> out = new ArrayList<>();
    for (int g : groups) {
      out.add(new TopicPartition("in-a", g));
      out.add(new TopicPartition("in-b", g));
    }
    return out;
  }

  @Test
  void aGroupIsPartitionGOfEveryTopicAndMovesOnlyAfterItsOwnerRevokedIt() {
    Map<String, Subscription> subs = new HashMap<>();
    subs.put("m-a", subscription("a", both(0, 1, 2, 3), 4, 7L, "host-a:1"));
    subs.put("m-b", subscription("b", List.of(), -1, 7L, "host-b:1"));
    Map<String, Assignment> out = assignor()
        .assign(cluster(Map.of("in-a", 4, "in-b", 4)), new GroupSubscription(subs)).groupAssignment();
    assertEquals(Set.copyOf(both(0, 1)), Set.copyOf(out.get("m-a").partitions()));
    assertEquals(List.of(), out.get("m-b").partitions(), "2 and 3 are withheld this round");
    AssignmentInfo info = AssignmentInfo.decode(out.get("m-b").userData());
    assertEquals(AssignmentInfo.ErrorCode.NONE, info.error());
    assertEquals(5, info.planEpoch());
    assertEquals(List.of(new AssignmentInfo.Host("host-a:1", List.of(0, 1), List.of()),
        new AssignmentInfo.Host("host-b:1", List.of(), List.of())), info.hosts());
  }

  @Test
  void aMemberWhoseDataCannotBeReadGetsNothingAndKeepsItsGroupsWithheld() {
    Map<String, Subscription> subs = new HashMap<>();
    subs.put("m-a", subscription("a", both(0), 2, 7L, ""));
    subs.put("m-x", new Subscription(List.of("in-a", "in-b"), ByteBuffer.wrap(new byte[] {0, 1, 0}), both(1), 2,
        Optional.of("x")));
    Map<String, Assignment> out = assignor()
        .assign(cluster(Map.of("in-a", 2, "in-b", 2)), new GroupSubscription(subs)).groupAssignment();
    assertEquals(List.of(), out.get("m-x").partitions());
    assertEquals(AssignmentInfo.ErrorCode.UNREADABLE_SUBSCRIPTION, AssignmentInfo.decode(out.get("m-x").userData()).error());
    assertEquals(Set.copyOf(both(0)), Set.copyOf(out.get("m-a").partitions()), "group 1 waits for m-x to revoke it");
  }

  @Test
  void aMemberWithAnotherProgramIsToldSo() {
    Map<String, Subscription> subs = new HashMap<>();
    subs.put("m-a", subscription("a", List.of(), -1, 7L, ""));
    subs.put("m-b", subscription("b", List.of(), -1, 7L, ""));
    subs.put("m-c", subscription("c", List.of(), -1, 8L, ""));
    Map<String, Assignment> out = assignor()
        .assign(cluster(Map.of("in-a", 2, "in-b", 2)), new GroupSubscription(subs)).groupAssignment();
    assertEquals(AssignmentInfo.ErrorCode.INCOMPATIBLE_PROGRAM, AssignmentInfo.decode(out.get("m-c").userData()).error());
    assertEquals(List.of(), out.get("m-c").partitions());
  }

  @Test
  void inputTopicsWithDifferentPartitionCountsAreRefused() {
    Map<String, Subscription> subs = Map.of("m-a", subscription("a", List.of(), -1, 7L, ""));
    UjiKafkaException e = assertThrows(UjiKafkaException.class,
        () -> assignor().assign(cluster(Map.of("in-a", 2, "in-b", 3)), new GroupSubscription(subs)));
    assertTrue(e.getMessage().contains("{in-a=2, in-b=3}"), e.getMessage());
  }

  @Test
  void aConsumerUjiDidNotCreateCannotUseTheAssignor() {
    UjiKafkaException e = assertThrows(UjiKafkaException.class, () -> new UjiAssignor().configure(Map.of()));
    assertTrue(e.getMessage().contains("uji.assignor.member is missing"), e.getMessage());
  }
}
