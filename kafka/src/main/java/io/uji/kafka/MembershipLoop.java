package io.uji.kafka;

import io.uji.engine.cluster.GroupControl;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instance's membership in its consumer group (design 5.1, 5.4), on its own thread: a
 * consumer that subscribes to the input topics with {@link UjiAssignor}, reads no records (every
 * assigned partition is paused; the data is read by offset range elsewhere) and polls only to
 * drive membership. Its callbacks tell the engine which key groups to run: a revocation stops
 * them at a batch boundary, an assignment prepares each gained group ({@link GroupActivation}:
 * stable offsets, restore) and then activates it. After every poll it publishes the consumer's
 * group metadata, which the producer sends with the offsets (a stale generation is refused).
 * Between polls it also tails the changelogs of its standby groups ({@link StandbyTailer}), when
 * no gained group waits to be restored.
 */
final class MembershipLoop implements UjiAssignor.Member, ConsumerRebalanceListener {
  private static final Logger LOG = LoggerFactory.getLogger(MembershipLoop.class);

  private final Map<String, Object> consumerConfig;
  private final String instanceId;
  private final List<String> topics;
  private final long stateSignature;
  private final String applicationServer;
  private final GroupControl control;
  private final GroupActivation activation;
  private final HostDirectory hosts;
  private final StandbyTailer standbys;
  private final int standbyReplicas;
  /** The standby groups of the last assignment. Loop thread only. */
  private Set<Integer> standbyAssigned = Set.of();
  private final long incarnation = ThreadLocalRandom.current().nextLong();
  private final ConcurrentLinkedQueue<String> resets = new ConcurrentLinkedQueue<>();
  /** Groups gained and not activated yet; groups owned. Loop thread only. */
  private final Set<Integer> pending = new TreeSet<>();
  private final Set<Integer> owned = new TreeSet<>();
  private int ownedGeneration = -1;
  private KafkaConsumer<byte[], byte[]> consumer;
  private Thread thread;
  private volatile boolean running;
  private volatile boolean leaveOnStop;
  private volatile boolean rebalancing;
  private final Object commitGate = new Object();
  private volatile ConsumerGroupMetadata metadata;
  private volatile RuntimeException fatal;
  private volatile AssignmentInfo lastAssignment;

  /**
   * @param consumerConfig the membership consumer's configuration: connection, {@code group.id},
   *     {@code group.instance.id}, timeouts; the protocol, the assignor and this loop are added
   */
  MembershipLoop(Map<String, Object> consumerConfig, String instanceId, List<String> topics, long stateSignature,
      String applicationServer, GroupControl control, GroupActivation activation, HostDirectory hosts,
      StandbyTailer standbys, int standbyReplicas) {
    this.consumerConfig = Map.copyOf(consumerConfig);
    this.instanceId = instanceId;
    this.topics = List.copyOf(topics);
    this.stateSignature = stateSignature;
    this.applicationServer = applicationServer;
    this.control = control;
    this.activation = activation;
    this.hosts = hosts;
    this.standbys = standbys;
    this.standbyReplicas = standbyReplicas;
  }

  void start() {
    Map<String, Object> m = new HashMap<>(consumerConfig);
    m.put("group.protocol", "classic");
    m.put("partition.assignment.strategy", UjiAssignor.class.getName());
    m.put(UjiAssignor.MEMBER_CONFIG, this);
    m.put("enable.auto.commit", false);
    m.put("isolation.level", "read_committed");
    m.put("auto.offset.reset", "latest"); // it fetches nothing: assigned partitions are paused at once
    consumer = new KafkaConsumer<>(m, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    metadata = consumer.groupMetadata();
    running = true;
    thread = new Thread(this::run, "uji-group-" + instanceId);
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      consumer.subscribe(topics, this);
      while (running) {
        // Groups waiting to be restored: poll without waiting, and restore one group per poll, so
        // that a rebalance another member starts meanwhile is joined after one group's restore,
        // not after all of them (the others defer their commits until this member has joined).
        consumer.poll(pending.isEmpty() && !standbys.active() ? Duration.ofMillis(100) : Duration.ZERO);
        metadata = consumer.groupMetadata();
        consumer.pause(consumer.assignment());
        String reset = resets.poll();
        if (reset != null) {
          resets.clear();
          control.resetAll(reset); // the engine tells the member which groups it emptied (GroupMember.groupsReset)
          pending.addAll(owned); // every owned group is prepared and activated again
        }
        // A group gained here stops being tailed before its restore continues the copy (promotion).
        Set<Integer> tail = new TreeSet<>(standbyAssigned);
        tail.removeAll(owned);
        tail.removeAll(pending);
        Set<Integer> here = new TreeSet<>(owned);
        here.addAll(pending);
        standbys.tail(tail, here);
        var it = pending.iterator();
        if (it.hasNext() && running) {
          int g = it.next();
          Map<String, Long> start = activation.prepare(g, control.stateAccess());
          it.remove();
          control.activate(g, start);
          LOG.info("Key group {} runs here (instance {}, start {})", g, instanceId, start);
        } else if (running) {
          standbys.step(Duration.ofMillis(100));
        }
      }
    } catch (WakeupException e) {
      // stop() woke the poll
    } catch (RuntimeException e) {
      LOG.error("The group membership of instance {} failed", instanceId, e);
      fatal = e;
    } finally {
      standbys.close();
      consumer.close(CloseOptions.groupMembershipOperation(
          leaveOnStop || fatal != null ? CloseOptions.GroupMembershipOperation.LEAVE_GROUP
              : CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP));
    }
    if (fatal != null) {
      control.fail(fatal); // the context stops with the membership's error
    }
  }

  // ------------------------------------------------------------------ assignor and callbacks (loop thread)

  @Override
  public SubscriptionInfo joining() {
    synchronized (commitGate) { // after the commit in flight, if any: see GroupMember.commit
      rebalancing = true;
    }
    control.rebalanceStarted();
    return new SubscriptionInfo(instanceId, incarnation, applicationServer, stateSignature, ownedGeneration,
        standbys.copies());
  }

  @Override
  public int standbyReplicas() {
    return standbyReplicas;
  }

  @Override
  public void assigned(List<TopicPartition> partitions, AssignmentInfo info, int generation) {
    lastAssignment = info;
    standbyAssigned = Set.copyOf(info.standbys());
    hosts.update(groups(partitions), info);
    if (info.error() != AssignmentInfo.ErrorCode.NONE) {
      fatal = new UjiKafkaException("Instance " + instanceId + " cannot run in its group: " + switch (info.error()) {
        case INCOMPATIBLE_PROGRAM -> "its program's stateful operators differ from the group's (the same"
            + " applicationId needs the same program: stop the others or use a new applicationId)";
        case UNSUPPORTED_VERSION, UNREADABLE_SUBSCRIPTION -> "the group's leader cannot read its subscription"
            + " (run the same Uji version on every instance)";
        default -> info.error().toString();
      });
      running = false;
    }
    ownedGeneration = generation;
  }

  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
    endRebalance();
    Set<Integer> groups = groups(partitions);
    pending.removeAll(groups);
    owned.removeAll(groups);
    if (!groups.isEmpty()) {
      control.revoke(groups);
      LOG.info("Key groups {} revoked from instance {}", groups, instanceId);
    }
  }

  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
    endRebalance();
    consumer.pause(partitions); // before this poll fetches anything
    Set<Integer> groups = groups(partitions);
    groups.removeAll(owned);
    owned.addAll(groups);
    pending.addAll(groups);
  }

  @Override
  public void onPartitionsLost(Collection<TopicPartition> partitions) {
    endRebalance();
    Set<Integer> groups = groups(partitions);
    control.lost(groups, "instance " + instanceId + " was removed from its group");
    hosts.lost();
    // the engine emptied every running group, not only the lost ones: the others are restored again
    owned.removeAll(groups);
    pending.removeAll(groups);
    pending.addAll(owned);
  }

  private void endRebalance() {
    metadata = consumer.groupMetadata();
    rebalancing = false;
  }

  private static Set<Integer> groups(Collection<TopicPartition> partitions) {
    Set<Integer> g = new TreeSet<>();
    partitions.forEach(tp -> g.add(tp.partition()));
    return g;
  }

  // ------------------------------------------------------------------ for the batch runner

  /** @return the lock a commit holds so that this member does not join a new generation meanwhile */
  Object commitGate() {
    return commitGate;
  }

  /** @return whether the group's generation is unknown (a rebalance started): commits are deferred */
  boolean rebalancing() {
    return rebalancing;
  }

  /** @return the consumer's group metadata as last published */
  ConsumerGroupMetadata metadata() {
    return metadata;
  }

  /** @return the failure that stopped the membership, or null */
  RuntimeException fatal() {
    return fatal;
  }

  /** @return the leader's data of the last assignment, or null */
  AssignmentInfo lastAssignment() {
    return lastAssignment;
  }

  /** Asks the loop to reset every running group ({@link GroupControl#resetAll}) and activate its groups again. */
  void requestReset(String reason) {
    resets.add(reason);
  }

  /**
   * Stops the loop and closes the consumer.
   *
   * @param leave leave the group at once (a graceful stop), or stay until the session times out
   */
  void stop(boolean leave) throws InterruptedException {
    leaveOnStop = leave;
    running = false;
    if (thread != null && thread != Thread.currentThread()) { // fail() may stop the context from this thread
      consumer.wakeup();
      thread.join(60_000);
    }
  }
}
