package io.uji.kafka;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Configurable;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partition assignor of a Uji group ({@code partition.assignment.strategy}); not for direct
 * use.
 *
 * <p>It is public only because Kafka's consumer creates its assignors reflectively from their
 * class names, which needs a public class with a public no-argument constructor. Everything it
 * does is in package-private types: the plan ({@code AssignmentPlanner}), the user data the
 * members exchange ({@code SubscriptionInfo}, {@code AssignmentInfo}) and the member it serves,
 * which the group's membership loop hands to it through the consumer's configuration under
 * {@value #MEMBER_CONFIG} (Kafka Streams hands its task manager to its assignor the same way).
 *
 * <p>Key group g is partition g of every input topic (co-partitioned: equal partition counts),
 * so a member is assigned whole groups. Only the cooperative protocol is supported: a group that
 * moves is first revoked by its owner and assigned in the next rebalance.
 */
public final class UjiAssignor implements ConsumerPartitionAssignor, Configurable {
  /** The assignor's name in the group protocol. */
  public static final String NAME = "uji";
  /** The consumer configuration key under which the membership loop passes its member. */
  public static final String MEMBER_CONFIG = "uji.assignor.member";
  private static final Logger LOG = LoggerFactory.getLogger(UjiAssignor.class);

  /** What the assignor needs of the member it runs in (the membership loop implements it). */
  interface Member {
    /** A rebalance starts (the consumer is about to join): @return this member's subscription. */
    SubscriptionInfo joining();

    /** The member's assignment of a completed rebalance, with the leader's user data. */
    void assigned(List<TopicPartition> partitions, AssignmentInfo info, int generation);

    /** @return the standby copies wanted per group when this member leads the group (design 8) */
    default int standbyReplicas() {
      return 0;
    }
  }

  private Member member;

  /** Kafka's consumer creates the assignor and then calls {@link #configure}. */
  public UjiAssignor() {}

  /**
   * Takes the member from {@value #MEMBER_CONFIG}.
   *
   * @throws UjiKafkaException if the configuration has no member: the assignor was named in a
   *     consumer that Uji did not create
   */
  @Override
  public void configure(Map<String, ?> configs) {
    Object m = configs.get(MEMBER_CONFIG);
    if (!(m instanceof Member)) {
      throw new UjiKafkaException("UjiAssignor is the assignor of Uji's group membership and cannot be used in a"
          + " consumer Uji did not create (" + MEMBER_CONFIG + " is " + (m == null ? "missing" : m.getClass()) + ")");
    }
    member = (Member) m;
  }

  /** @return {@value #NAME} */
  @Override
  public String name() {
    return NAME;
  }

  /** @return the cooperative protocol only */
  @Override
  public List<RebalanceProtocol> supportedProtocols() {
    return List.of(RebalanceProtocol.COOPERATIVE);
  }

  /** @return this member's subscription data; tells the member a rebalance starts */
  @Override
  public ByteBuffer subscriptionUserData(Set<String> topics) {
    return member.joining().encode();
  }

  /**
   * Plans the group (on the leader).
   *
   * @throws UjiKafkaException if an input topic's metadata is missing or the topics' partition
   *     counts differ
   */
  @Override
  public GroupAssignment assign(Cluster metadata, GroupSubscription groupSubscription) {
    Map<String, Subscription> subscriptions = groupSubscription.groupSubscription();
    SortedSet<String> topics = new TreeSet<>();
    subscriptions.values().forEach(s -> topics.addAll(s.topics()));
    int p = partitionCount(metadata, topics);
    List<AssignmentPlanner.Member> members = new ArrayList<>();
    Map<String, AssignmentInfo.ErrorCode> errors = new HashMap<>();
    Map<String, String> servers = new HashMap<>();
    Set<String> excluded = new HashSet<>();
    int epoch = 0;
    for (Map.Entry<String, Subscription> e : subscriptions.entrySet()) {
      String memberId = e.getKey();
      Subscription s = e.getValue();
      Set<Integer> owned = new HashSet<>();
      for (TopicPartition tp : s.ownedPartitions()) {
        if (topics.contains(tp.topic())) {
          owned.add(tp.partition());
        }
      }
      SubscriptionInfo info = null;
      try {
        info = SubscriptionInfo.decode(s.userData() == null ? ByteBuffer.allocate(0) : s.userData());
      } catch (UnsupportedVersionException ex) {
        errors.put(memberId, AssignmentInfo.ErrorCode.UNSUPPORTED_VERSION);
        LOG.warn("Member {} of the group gets no partitions: {}", memberId, ex.getMessage());
      } catch (UjiKafkaException ex) {
        errors.put(memberId, AssignmentInfo.ErrorCode.UNREADABLE_SUBSCRIPTION);
        LOG.warn("Member {} of the group gets no partitions: {}", memberId, ex.getMessage());
      }
      int generation = s.generationId().orElse(info == null ? -1 : info.ownedGeneration());
      epoch = Math.max(epoch, generation + 1);
      if (info == null) {
        excluded.add(memberId);
        members.add(new AssignmentPlanner.Member(memberId, s.groupInstanceId().orElse(memberId), Long.MAX_VALUE, 0,
            owned, generation));
      } else {
        members.add(new AssignmentPlanner.Member(memberId, info.instanceId(), info.incarnation(),
            info.stateSignature(), owned, generation, info.positionSums()));
        if (!info.applicationServer().isEmpty()) {
          servers.put(memberId, info.applicationServer());
        }
      }
    }
    AssignmentPlanner.Plan plan = AssignmentPlanner.plan(new AssignmentPlanner.PlanInput(p, members, excluded,
        member.standbyReplicas()));
    plan.incompatible().forEach(id -> errors.put(id, AssignmentInfo.ErrorCode.INCOMPATIBLE_PROGRAM));
    if (!plan.withheld().isEmpty()) {
      LOG.info("Uji group plan: groups {} are revoked first and move in the next rebalance to {}",
          plan.withheld(), plan.intended());
    }
    List<AssignmentInfo.Host> hosts = new ArrayList<>();
    for (Map.Entry<String, String> e : new java.util.TreeMap<>(servers).entrySet()) {
      hosts.add(new AssignmentInfo.Host(e.getValue(), new ArrayList<>(plan.actives().get(e.getKey())),
          new ArrayList<>(plan.standbys().get(e.getKey()))));
    }
    Map<String, Assignment> out = new HashMap<>();
    for (Map.Entry<String, SortedSet<Integer>> e : plan.actives().entrySet()) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (int g : e.getValue()) {
        for (String t : topics) {
          partitions.add(new TopicPartition(t, g));
        }
      }
      AssignmentInfo info = new AssignmentInfo(errors.getOrDefault(e.getKey(), AssignmentInfo.ErrorCode.NONE), epoch,
          new ArrayList<>(plan.standbys().get(e.getKey())), List.of(), hosts);
      out.put(e.getKey(), new Assignment(partitions, info.encode()));
    }
    return new GroupAssignment(out);
  }

  private static int partitionCount(Cluster metadata, SortedSet<String> topics) {
    Map<String, Integer> counts = new java.util.TreeMap<>();
    for (String t : topics) {
      Integer n = metadata.partitionCountForTopic(t);
      if (n == null) {
        throw new UjiKafkaException("Cannot plan the Uji group: no metadata for input topic '" + t + "' (does it exist?)");
      }
      counts.put(t, n);
    }
    if (counts.isEmpty()) {
      throw new UjiKafkaException("Cannot plan the Uji group: its members subscribe to no topic");
    }
    if (new HashSet<>(counts.values()).size() > 1) {
      throw new UjiKafkaException("Cannot plan the Uji group: its input topics must have the same number of"
          + " partitions (a key group is partition g of every topic), but they have " + counts);
    }
    return counts.values().iterator().next();
  }

  /**
   * Hands the assignment and the leader's data to the member.
   *
   * @throws UjiKafkaException if the leader's data cannot be read
   */
  @Override
  public void onAssignment(Assignment assignment, ConsumerGroupMetadata metadata) {
    ByteBuffer data = assignment.userData() == null ? ByteBuffer.allocate(0) : assignment.userData();
    member.assigned(assignment.partitions(), AssignmentInfo.decode(data), metadata == null ? -1 : metadata.generationId());
  }
}
