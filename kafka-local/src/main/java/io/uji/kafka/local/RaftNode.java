package io.uji.kafka.local;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import kafka.server.BrokerServer;
import kafka.server.ControllerServer;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.server.Server;
import kafka.server.SharedServer;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.raft.QuorumConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * One incarnation of a combined broker+controller over a formatted log directory: what Kafka's
 * own {@code kafka.server.KafkaRaftServer} (the server behind {@code kafka-server-start.sh})
 * builds, with two differences that a broker inside a test JVM needs: the listening sockets come
 * from {@link ListenerSockets} (bound before start), and fatal faults follow a {@link
 * FatalFaultPolicy} instead of always halting the JVM. Left out: the Log4j and app-info MBeans
 * and the optional MX4J loader, which only serve JMX consoles.
 *
 * <p>A node starts once and stops once; a restart is a new node over the same directory, so it
 * reads back its logs exactly as a restarted broker process does.
 */
final class RaftNode {
  private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);

  private final SharedServer shared;
  private final ControllerServer controller;
  private final BrokerServer broker;

  /**
   * Builds the node (nothing runs yet).
   *
   * @param config the broker configuration; its log directory must be formatted
   * @param sockets the bound listener sockets the node's socket servers take over
   * @param faults the fault handlers of the node's components
   */
  RaftNode(KafkaConfig config, ListenerSockets sockets, FaultHandlers faults) {
    Tuple2<MetaPropertiesEnsemble, BootstrapMetadata> dirs =
        KafkaRaftServer.initializeLogDirs(config, LOG, "[local Kafka node " + config.nodeId() + "] ");
    MetaPropertiesEnsemble metaProperties = dirs._1();
    Metrics metrics = Server.initializeMetrics(config, Time.SYSTEM, metaProperties.clusterId().get());
    Map<Integer, java.net.InetSocketAddress> voters =
        QuorumConfig.parseVoterConnections(config.quorumConfig().voters());
    this.shared = new SharedServer(config, metaProperties, Time.SYSTEM, metrics,
        CompletableFuture.completedFuture(voters),
        QuorumConfig.parseBootstrapServers(config.quorumConfig().bootstrapServers()),
        faults, sockets);
    this.broker = new BrokerServer(shared);
    this.controller = new ControllerServer(shared, KafkaRaftServer.configSchema(), dirs._2());
  }

  /**
   * Starts the controller, then the broker (the controller's endpoints must be known to the
   * KRaft manager first), and returns once the broker is unfenced and accepts requests.
   *
   * @throws RuntimeException (Kafka's) if a component fails to start; call {@link #stop()} then
   */
  void start() {
    controller.startup();
    broker.startup();
  }

  /**
   * Stops the broker, then the controller (the broker's controlled shutdown needs the
   * controller), and waits until both are down. Safe on a node whose start failed half-way.
   */
  void stop() {
    broker.shutdown();
    controller.shutdown();
    broker.awaitShutdown();
    controller.awaitShutdown();
  }
}
