package io.uji.kafka;

import io.uji.engine.cluster.BatchAbortedException;
import io.uji.engine.cluster.BatchCommit;
import io.uji.engine.cluster.ChangelogPositions;
import io.uji.engine.cluster.ClusterMember;
import io.uji.engine.cluster.GroupControl;
import io.uji.engine.cluster.GroupStateAccess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;

/**
 * The Kafka side of a context in a group ({@link ClusterMember}): at start it creates or checks
 * the changelog topics, starts the transactional producer and joins the group ({@link
 * MembershipLoop}); each batch commits through {@link GroupProducer} (deferred while the group's
 * generation is unknown); a batch that cannot commit makes the loop reset the running groups.
 */
final class GroupMember implements ClusterMember {
  /**
   * What a member needs.
   *
   * @param clientProperties connection and security properties shared by its clients
   * @param applicationId the group id and the prefix of its topics and transactional id
   * @param instanceId this instance's id (static membership, transactional id)
   * @param topics the co-partitioned input topics
   * @param applicationServer where this instance's status page answers, empty if none
   * @param sessionTimeout the membership consumer's session timeout
   * @param transactionTimeout the producer's transaction timeout
   * @param livenessInterval how often this instance's liveness beacon is sent
   * @param livenessTimeout the silence after which another member is fenced, ZERO for no detector
   * @param standbyReplicas the standby copies per key group the group keeps (design 8), as the
   *     leader plans them
   */
  record Settings(Map<String, Object> clientProperties, String applicationId, String instanceId, List<String> topics,
      String applicationServer, Duration sessionTimeout, Duration transactionTimeout, Duration livenessInterval,
      Duration livenessTimeout, int standbyReplicas) {
    Settings {
      clientProperties = Map.copyOf(clientProperties);
      topics = List.copyOf(topics);
      if (standbyReplicas < 0) {
        throw new IllegalArgumentException("numStandbyReplicas must be >= 0, got " + standbyReplicas);
      }
    }

    /** The default liveness settings (a beacon every 250 ms, fenced after 1.5 s of silence), no standbys. */
    Settings(Map<String, Object> clientProperties, String applicationId, String instanceId, List<String> topics,
        String applicationServer, Duration sessionTimeout, Duration transactionTimeout) {
      this(clientProperties, applicationId, instanceId, topics, applicationServer, sessionTimeout, transactionTimeout, 0);
    }

    /** The default liveness settings, {@code standbyReplicas} standbys. */
    Settings(Map<String, Object> clientProperties, String applicationId, String instanceId, List<String> topics,
        String applicationServer, Duration sessionTimeout, Duration transactionTimeout, int standbyReplicas) {
      this(clientProperties, applicationId, instanceId, topics, applicationServer, sessionTimeout, transactionTimeout,
          DEFAULT_LIVENESS_INTERVAL, DEFAULT_LIVENESS_TIMEOUT, standbyReplicas);
    }
  }

  static final Duration DEFAULT_LIVENESS_INTERVAL = Duration.ofMillis(250);
  static final Duration DEFAULT_LIVENESS_TIMEOUT = Duration.ofMillis(1500);

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GroupMember.class);

  private final Settings settings;
  private Admin admin;
  private GroupProducer producer;
  private ChangelogRestorer restorer;
  private MembershipLoop loop;
  private GroupActivation activation;
  private LivenessBeacon beacon;
  private FailureDetector detector;
  private StandbyTailer standbys;
  private volatile HostDirectory hosts;
  private volatile GroupKeyLocator keys;

  GroupMember(Settings settings) {
    this.settings = settings;
  }

  @Override
  public void start(GroupControl control) {
    GroupStateAccess state = control.stateAccess();
    Map<String, String> changelogs = new LinkedHashMap<>();
    long signature = state.groups();
    for (GroupStateAccess.StatefulOperator op : state.operators()) {
      changelogs.put(op.name(), ChangelogTopics.name(settings.applicationId(), op.name()));
      signature = signature * 31 + op.name().hashCode() * 17L + op.kind().hashCode() + op.signature() * 1_000_003L;
    }
    String id = transactionalId(settings.applicationId(), settings.instanceId());
    admin = Admin.create(ClientConfigs.admin(settings.clientProperties(), "uji-group-admin-" + id));
    Map<String, Uuid> ids = new ChangelogTopics(admin, Duration.ofSeconds(30), (short) -1, Map.of())
        .ensure(new ArrayList<>(changelogs.values()), state.groups());
    Map<String, String> topicIds = new HashMap<>();
    changelogs.forEach((op, topic) -> topicIds.put(op, ids.get(topic).toString()));
    ChangelogPositions local = ChangelogPositions.none();
    if (state.restoredPositions().isPresent()) { // a local checkpoint: which of its copies may be continued
      local = LocalCopies.check(admin, Duration.ofSeconds(30), changelogs, topicIds, state.groups(),
          state.restoredPositions().get(), state::restoredPositionReachedAfterMs, System.currentTimeMillis());
    }
    producer = new GroupProducer(settings.clientProperties(), id, settings.topics(), changelogs, topicIds, state.groups(),
        () -> loop.metadata(), settings.transactionTimeout(), local.positions());
    producer.start();
    restorer = new ChangelogRestorer(settings.clientProperties(), admin, "uji-restore-" + id,
        settings.transactionTimeout().plusSeconds(30));
    // An instance that crashed with a transaction open leaves its offsets unstable until the
    // coordinator aborts it: after the transaction timeout and its abort scan (10 s by default).
    Duration unstableAtMost = settings.transactionTimeout().plusSeconds(30);
    activation = new GroupActivation(new StableOffsets(admin, settings.applicationId(), settings.topics(),
        unstableAtMost.compareTo(Duration.ofSeconds(60)) < 0 ? Duration.ofSeconds(60) : unstableAtMost),
        restorer, producer, changelogs, topicIds);
    Map<String, Object> consumer = new HashMap<>(settings.clientProperties());
    consumer.put("group.id", settings.applicationId());
    consumer.put("group.instance.id", settings.instanceId());
    consumer.put("client.id", "uji-group-" + id);
    consumer.put("session.timeout.ms", (int) settings.sessionTimeout().toMillis());
    consumer.put("heartbeat.interval.ms", 250);
    // Without an address of its own the instance publishes its status page's, whose state lookups
    // redirect to the instance holding a key.
    String server = settings.applicationServer().isEmpty() ? control.statusAddress().orElse("")
        : settings.applicationServer();
    hosts = new HostDirectory(state.groups(), server);
    standbys = new StandbyTailer(settings.clientProperties(), "uji-standby-" + id, state, producer, changelogs);
    loop = new MembershipLoop(consumer, settings.instanceId(), settings.topics(), signature,
        server, control, activation, hosts, standbys, settings.standbyReplicas());
    startLiveness();
    loop.start();
  }

  /**
   * The beacon always runs (the others' detectors watch this instance whatever its own setting);
   * the detector only with a timeout (design 10).
   */
  private void startLiveness() {
    String topic = LivenessTopic.ensure(admin, settings.applicationId(), (short) -1, Duration.ofSeconds(30));
    beacon = new LivenessBeacon(settings.clientProperties(), topic, settings.instanceId(), settings.livenessInterval(),
        () -> {
          AssignmentInfo a = loop.lastAssignment();
          return a == null ? -1 : a.planEpoch();
        });
    beacon.start();
    if (!settings.livenessTimeout().isZero()) {
      Duration fenceTimeout = Duration.ofSeconds(10);
      detector = new FailureDetector(settings.clientProperties(), topic, settings.instanceId(),
          settings.livenessInterval(), settings.livenessTimeout(), new SuspectFence(admin, settings.applicationId(),
              new TransactionFencer(settings.clientProperties(), fenceTimeout), fenceTimeout));
      detector.start();
    }
  }

  /** @return the transactional id of instance {@code instanceId}'s producer: {@code <applicationId>-uji-<instanceId>} */
  static String transactionalId(String applicationId, String instanceId) {
    return applicationId + "-uji-" + instanceId;
  }

  @Override
  public CommitOutcome commit(BatchCommit commit) {
    RuntimeException fatal = loop.fatal();
    if (fatal != null) {
      throw fatal;
    }
    try {
      // The loop sends its JoinGroup only between two commits (joining() takes the same lock): the
      // group's generation cannot move on while this member's offsets are on their way with the
      // current one, which the coordinator would refuse (a costly abort and restore).
      synchronized (loop.commitGate()) {
        if (!loop.rebalancing()) {
          producer.commit(commit, false);
          return CommitOutcome.COMMITTED;
        }
      }
      producer.commit(commit, true);
      return CommitOutcome.DEFERRED;
    } catch (GroupCommitException e) {
      if (e.kind() == GroupCommitException.Kind.FENCED) {
        try {
          producer.start(); // a new epoch; the reset below restores what the aborted batches changed
        } catch (RuntimeException again) {
          // the next transaction tries again (GroupProducer replaces a fenced producer before it)
          LOG.warn("The producer of {} was fenced and cannot start again yet: {}", settings.instanceId(), again.toString());
        }
      }
      loop.requestReset(e.getMessage());
      throw new BatchAbortedException(e.getMessage(), e);
    }
  }

  @Override
  public void groupsReset(Set<Integer> emptied) {
    producer.abortQuietly();
    activation.forget(emptied); // no local copy: restored from the log start when they come back
  }

  /**
   * @return the transactional producer with the batch's transaction open, for the group's sinks
   *     (batch runner thread)
   * @throws IllegalStateException if the member has not started (the context has not started)
   */
  org.apache.kafka.clients.producer.Producer<byte[], byte[]> transactionProducer() {
    if (producer == null) {
      throw new IllegalStateException("The group of " + settings.instanceId() + " has not started");
    }
    return producer.producer();
  }

  @Override
  public ChangelogPositions positions() {
    return producer.positions();
  }

  /** Makes the member's context locate keys with {@code locator} (before the context starts). */
  void locateKeysWith(GroupKeyLocator locator) {
    this.keys = locator;
  }

  @Override
  public java.util.Optional<io.uji.engine.cluster.KeyLocator> keyLocator() {
    return java.util.Optional.ofNullable(keys);
  }

  /** @return the changelog records applied by restores so far (promotions restore only a standby's tail) */
  long restoredChanges() {
    return restorer == null ? 0 : restorer.restoredChanges();
  }

  /** @return the changelog records applied to standby copies so far */
  long standbyChanges() {
    return standbys == null ? 0 : standbys.appliedChanges();
  }

  /** @return who runs which key group as of the last assignment, or null if the member is not running */
  HostDirectory hosts() {
    return hosts;
  }

  @Override
  public void stop(boolean leave) {
    hosts = null;
    try {
      if (detector != null) {
        detector.close();
      }
      if (beacon != null && leave) {
        beacon.leave(Duration.ofSeconds(5)); // before the consumer leaves: the others' detectors must not fence it
      }
      if (loop != null) {
        loop.stop(leave);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (beacon != null) {
        beacon.close();
      }
      if (producer != null) {
        producer.close();
      }
      if (restorer != null) {
        restorer.close();
      }
      if (admin != null) {
        admin.close(Duration.ofSeconds(5));
      }
    }
  }
}
