package io.uji.kafka.local;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The broker properties of a single-node KRaft broker+controller on 127.0.0.1: what
 * {@code config/server.properties} would hold, fixed for this one machine.
 *
 * <p>Kafka's defaults are made for clusters of three or more brokers; on one node several of them
 * make transactions or consumer groups fail, and others only cost start-up time. Each setting
 * below says which. {@link BrokerSettings#extraProperties()} are applied last and win.
 */
final class BrokerConfig {
  /** The only node: broker and controller share this id (it is written in meta.properties). */
  static final int NODE_ID = 1;
  /** The listener clients (and the broker itself, for inter-broker requests) use. */
  static final String CLIENT_LISTENER = "PLAINTEXT";
  /** The listener of the KRaft controller. */
  static final String CONTROLLER_LISTENER = "CONTROLLER";
  /** Everything binds here, never on a public interface. */
  static final String HOST = "127.0.0.1";

  private BrokerConfig() {}

  /** The broker's log directory inside a data directory (the data directory may hold other files). */
  static Path logDir(Path dataDir) {
    return dataDir.resolve("logs");
  }

  /**
   * @param dataDir the data directory ({@link #logDir} holds the logs and the metadata log)
   * @param clientPort the bound port of {@link #CLIENT_LISTENER}
   * @param controllerPort the bound port of {@link #CONTROLLER_LISTENER}
   * @param extra properties that override or add to these
   */
  static Map<String, String> properties(Path dataDir, int clientPort, int controllerPort, Map<String, String> extra) {
    Map<String, String> p = new LinkedHashMap<>();

    // One process is both the broker and the only controller (KRaft "combined mode").
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(NODE_ID));
    // A static quorum of one voter: nothing about the controller's address is written to disk,
    // so a data directory does not tie the controller to a port.
    p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
    p.put("controller.listener.names", CONTROLLER_LISTENER);
    p.put("listeners", CLIENT_LISTENER + "://" + HOST + ":" + clientPort + ","
        + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
    p.put("advertised.listeners", CLIENT_LISTENER + "://" + HOST + ":" + clientPort);
    p.put("inter.broker.listener.name", CLIENT_LISTENER);
    p.put("listener.security.protocol.map", CLIENT_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
    p.put("log.dirs", logDir(dataDir).toString());

    // __consumer_offsets: the default replication factor 3 cannot be met by one broker, so the
    // group coordinator could never create the topic and every group join or offset commit
    // would fail with COORDINATOR_NOT_AVAILABLE.
    p.put("offsets.topic.replication.factor", "1");
    // ... and 50 partitions (the default) cost ~1-2 s to create and load on the first group
    // request; one is plenty for one broker.
    p.put("offsets.topic.num.partitions", "1");

    // __transaction_state: replication factor 3 and min ISR 2 (the defaults) make every
    // transactional producer fail (COORDINATOR_NOT_AVAILABLE, then NOT_ENOUGH_REPLICAS).
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    // One partition instead of 50, for the same reason as __consumer_offsets.
    p.put("transaction.state.log.num.partitions", "1");

    // __share_group_state (share groups, KIP-932): the same single-broker limits, in case a test
    // uses share groups.
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("share.coordinator.state.topic.num.partitions", "1");

    // A test, the demo and the loader create every topic they use (as on most production
    // clusters): a missing or misspelt topic is then an error a test can see, not a topic that
    // a producer's or consumer's metadata request silently creates with one partition.
    p.put("auto.create.topics.enable", "false");
    // Topics created without a replication factor get one replica, and a write with acks=all
    // needs only the leader in sync.
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");

    // After a SIGKILL the restarted controller still holds the dead broker's registration and
    // rejects the new one (DuplicateBrokerRegistrationException) until that session times out:
    // 9 s by default, added to every restart after a kill. 4 s with a heartbeat every 0.5 s
    // (the default is 2 s) still leaves 8 heartbeats of slack before a live broker is fenced.
    p.put("broker.heartbeat.interval.ms", "500");
    p.put("broker.session.timeout.ms", "4000");

    // The first classic-protocol (and Streams) group rebalance waits 3 s by default for more
    // members to arrive; a test would pay those 3 s on every group it creates.
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("group.streams.initial.rebalance.delay.ms", "0");

    // Consumer groups of the new protocol (group.protocol=consumer, KIP-848) are driven by the
    // broker: a member learns of a new assignment at its next heartbeat (every 5 s by default, so
    // a member joining costs the others up to 5 s) and a member that died (SIGKILL) keeps its
    // partitions until its session times out (45 s by default). Tests of scale-out join and kill
    // members; 0.5 s and 10 s keep them short, and 10 s is still 20 heartbeats of slack.
    p.put("group.consumer.heartbeat.interval.ms", "500");
    p.put("group.consumer.session.timeout.ms", "10000");
    // The lower bounds a group (consumer protocol, through its group config) or a classic
    // client (session.timeout.ms) may ask for: 45 s and 6 s by default, lowered so that a test can
    // ask for shorter sessions still.
    p.put("group.consumer.min.session.timeout.ms", "1000");
    p.put("group.consumer.min.heartbeat.interval.ms", "100");
    p.put("group.min.session.timeout.ms", "1000");

    p.putAll(extra);
    return p;
  }
}
