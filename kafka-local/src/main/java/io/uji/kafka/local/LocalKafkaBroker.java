package io.uji.kafka.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import kafka.server.KafkaConfig;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.server.fault.FaultHandlerException;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one node) running in this JVM
 * on 127.0.0.1, for tests, demos and benchmarks.
 *
 * <pre>{@code
 * try (LocalKafkaBroker broker = LocalKafkaBroker.start()) {
 *   props.put("bootstrap.servers", broker.bootstrapServers());
 *   ...
 *   broker.restart();   // same address, same data
 * }
 * }</pre>
 *
 * <p>The broker is Kafka's own server code ({@link RaftNode}), configured by {@link BrokerConfig}
 * for one node so that transactions and consumer groups work; its data directory is formatted on
 * the first start. {@link #stop()} and {@link #restart()} keep the data directory and the port,
 * so clients configured with {@link #bootstrapServers()} reconnect to the restarted broker.
 * {@link #close()} stops the broker and, if it made the data directory, deletes it.
 *
 * <p>Thread-safe. A broker that is closed cannot be used again.
 */
public final class LocalKafkaBroker implements AutoCloseable {
  private final Path dataDir;
  private final boolean ownsDataDir;
  private final Map<String, String> extraProperties;
  private final FaultHandlers faults;
  private int clientPort;
  private int controllerPort;
  /** The running incarnation; null while stopped. */
  private RaftNode node;
  private boolean closed;

  private LocalKafkaBroker(Path dataDir, boolean ownsDataDir, BrokerSettings settings, FatalFaultPolicy policy) {
    this.dataDir = dataDir;
    this.ownsDataDir = ownsDataDir;
    this.extraProperties = settings.extraProperties();
    this.faults = new FaultHandlers(policy);
    this.clientPort = settings.port();
    this.controllerPort = 0;
  }

  /**
   * Starts a broker with {@link BrokerSettings#defaults()}: a temporary data directory, a free port.
   *
   * @throws LocalKafkaException if the broker cannot start
   */
  public static LocalKafkaBroker start() {
    return start(BrokerSettings.defaults());
  }

  /**
   * Starts a broker that reports fatal faults on stop ({@link FatalFaultPolicy#REPORT_ON_STOP}).
   *
   * @throws LocalKafkaException if the broker cannot start (port taken, data directory not
   *     writable or formatted for another node, ...)
   */
  public static LocalKafkaBroker start(BrokerSettings settings) {
    return start(settings, FatalFaultPolicy.REPORT_ON_STOP);
  }

  /**
   * Starts a broker and returns once it accepts requests.
   *
   * @throws LocalKafkaException if the broker cannot start (port taken, data directory not
   *     writable or formatted for another node, ...)
   */
  public static LocalKafkaBroker start(BrokerSettings settings, FatalFaultPolicy policy) {
    Path dir = settings.dataDir();
    boolean owns = dir == null;
    try {
      dir = owns ? Files.createTempDirectory("uji-kafka-") : Files.createDirectories(dir);
    } catch (IOException e) {
      throw new LocalKafkaException("Cannot create the Kafka data directory " + (owns ? "(temporary)" : dir), e);
    }
    LocalKafkaBroker broker = new LocalKafkaBroker(dir, owns, settings, policy);
    try {
      broker.startNode();
      return broker;
    } catch (RuntimeException e) {
      broker.deleteOwnedDataDir(e);
      throw e;
    }
  }

  /** {@code 127.0.0.1:PORT}, the same before and after {@link #stop()} and {@link #restart()}. */
  public synchronized String bootstrapServers() {
    return BrokerConfig.HOST + ":" + clientPort;
  }

  /** The port of the client listener. */
  public synchronized int port() {
    return clientPort;
  }

  /** The broker's data directory (its Kafka log directory is {@code logs/} inside). */
  public Path dataDir() {
    return dataDir;
  }

  /** True between a start and the following {@link #stop()} or {@link #close()}. */
  public synchronized boolean isRunning() {
    return node != null;
  }

  /**
   * Stops the broker (a clean shutdown: logs flushed, clients disconnected) and keeps its data
   * directory and port for {@link #restart()}. Does nothing if it is stopped already.
   *
   * @throws LocalKafkaException if the broker had a fatal fault while it ran
   * @throws IllegalStateException if the broker was closed
   */
  public synchronized void stop() {
    ensureOpen("stop");
    stopNode();
    throwFatalFault();
  }

  /**
   * Stops the broker if it runs, then starts it again over the same data directory on the same
   * port; returns once it accepts requests. Topics, records, committed offsets and transactions
   * survive.
   *
   * @throws LocalKafkaException if the broker had a fatal fault, or cannot start again (for
   *     example because another process took its port while it was stopped)
   * @throws IllegalStateException if the broker was closed
   */
  public synchronized void restart() {
    ensureOpen("restart");
    stopNode();
    throwFatalFault();
    startNode();
  }

  /**
   * Stops the broker and deletes its data directory if {@link #start} created it. Idempotent.
   * No broker thread or listening port remains afterwards.
   *
   * @throws LocalKafkaException if the broker had a fatal fault while it ran, or its temporary
   *     directory cannot be deleted
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    LocalKafkaException failure = null;
    try {
      stopNode();
      throwFatalFault();
    } catch (LocalKafkaException e) {
      failure = e;
    }
    deleteOwnedDataDir(failure);
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public String toString() {
    return "LocalKafkaBroker[" + bootstrapServers() + ", " + dataDir + (isRunning() ? "" : ", stopped") + "]";
  }

  private void startNode() {
    Path logDir = BrokerConfig.logDir(dataDir);
    Storage.formatIfNeeded(logDir);
    Map<String, Integer> ports = new LinkedHashMap<>();
    ports.put(BrokerConfig.CLIENT_LISTENER, clientPort);
    ports.put(BrokerConfig.CONTROLLER_LISTENER, controllerPort);
    try (ListenerSockets sockets = ListenerSockets.bind(BrokerConfig.HOST, ports)) {
      // Fixed from now on: a restart binds the same ports.
      clientPort = sockets.port(BrokerConfig.CLIENT_LISTENER);
      controllerPort = sockets.port(BrokerConfig.CONTROLLER_LISTENER);
      RaftNode starting = null;
      try {
        KafkaConfig config = new KafkaConfig(
            BrokerConfig.properties(dataDir, clientPort, controllerPort, extraProperties), false);
        starting = new RaftNode(config, sockets, faults);
        starting.start();
        node = starting;
      } catch (RuntimeException e) {
        LocalKafkaException failure = new LocalKafkaException(
            "Cannot start the local Kafka broker at " + bootstrapServers() + " over " + dataDir, e);
        if (starting != null) {
          try {
            starting.stop();
          } catch (RuntimeException stopFailure) {
            failure.addSuppressed(stopFailure);
          }
        }
        throw failure;
      }
    }
  }

  private void stopNode() {
    if (node == null) {
      return;
    }
    RaftNode stopping = node;
    node = null;
    try {
      stopping.stop();
    } catch (RuntimeException e) {
      throw new LocalKafkaException("Cannot stop the local Kafka broker at " + bootstrapServers(), e);
    }
  }

  private void throwFatalFault() {
    FaultHandlerException fault = faults.takeFatalFault();
    if (fault != null) {
      throw new LocalKafkaException("The local Kafka broker at " + bootstrapServers() + " over " + dataDir
          + " had a fatal fault while it ran", fault);
    }
  }

  private void deleteOwnedDataDir(RuntimeException pending) {
    if (!ownsDataDir) {
      return;
    }
    try {
      Utils.delete(dataDir.toFile());
    } catch (IOException e) {
      LocalKafkaException failure = new LocalKafkaException("Cannot delete the temporary Kafka data directory " + dataDir, e);
      if (pending == null) {
        throw failure;
      }
      pending.addSuppressed(failure);
    }
  }

  private void ensureOpen(String operation) {
    if (closed) {
      throw new IllegalStateException("Cannot " + operation + " the local Kafka broker at " + bootstrapServers()
          + ": it was closed");
    }
  }
}
