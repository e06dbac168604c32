package io.uji.kafka.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start, stop, restart and close of the in-JVM broker: what stays and what goes. Runs in a JVM of
 * its own (kafka-local's pom): another broker alive in the same JVM, such as the one the other test
 * classes share, starts threads at times of its own that no name tells apart from this test's.
 */
class LocalKafkaBrokerLifecycleTest {
  /**
   * Yammer Metrics' meter-tick threads: JVM-wide daemons, started by the first broker of a JVM
   * (a static executor of the metrics library) and never stopped by Kafka.
   */
  private static final String JVM_WIDE_THREAD_PREFIX = "metrics-meter-tick-thread";
  /**
   * The JDK's shared pools, which any library may wake and which idle out on their own clock (a
   * common-pool worker lives 60 s after its last task, longer than this test waits): not the
   * broker's to stop.
   */
  private static final List<String> JDK_SHARED_THREAD_PREFIXES =
      List.of("ForkJoinPool.commonPool-worker", "process reaper", "Attach Listener", "Common-Cleaner");

  @Test
  void closeLeavesNoThreadPortOrTemporaryDirectory() {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    LocalKafkaBroker broker = LocalKafkaBroker.start();
    int port = broker.port();
    Path dir = broker.dataDir();
    assertTrue(Files.isDirectory(dir));

    broker.close();

    await().pollInSameThread().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(Set.of(), threadsStartedSince(before)));
    assertTrue(canBind(port), "port " + port + " is still bound");
    assertFalse(Files.exists(dir), dir + " still exists");
  }

  @Test
  void closeIsIdempotentAndAClosedBrokerRefusesUse() {
    LocalKafkaBroker broker = LocalKafkaBroker.start();
    broker.close();
    broker.close();

    assertFalse(broker.isRunning());
    assertThrows(IllegalStateException.class, broker::restart);
    assertThrows(IllegalStateException.class, broker::stop);
  }

  @Test
  void aGivenDataDirectoryOutlivesTheBrokerAndAStoppedOneRestartsOnTheSamePort(@TempDir Path dir) {
    String address;
    try (LocalKafkaBroker broker = LocalKafkaBroker.start(BrokerSettings.defaults().withDataDir(dir))) {
      address = broker.bootstrapServers();
      Clients.createTopic(address, "kept", 1);
      Clients.produce(address, "kept", List.of("a", "b"));
      broker.stop();
      assertFalse(broker.isRunning());
      assertTrue(canBind(broker.port()), "a stopped broker still listens");

      broker.restart();

      assertEquals(address, broker.bootstrapServers());
      assertEquals(List.of("a", "b"), Clients.values(Clients.readAll(address, "kept", Map.of())));
    }
    assertTrue(Files.exists(BrokerConfig.logDir(dir).resolve("meta.properties")));

    // A new broker over the same directory (a later run of the same test setup) sees the topic.
    int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    try (LocalKafkaBroker again = LocalKafkaBroker.start(new BrokerSettings(dir, port, Map.of()))) {
      assertEquals(address, again.bootstrapServers());
      assertEquals(List.of("a", "b"), Clients.values(Clients.readAll(address, "kept", Map.of())));
    }
  }

  @Test
  void aTakenPortIsAClearStartFailure() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      LocalKafkaException e = assertThrows(LocalKafkaException.class,
          () -> LocalKafkaBroker.start(BrokerSettings.defaults().withPort(taken.getLocalPort())));
      assertTrue(e.getMessage().contains(Integer.toString(taken.getLocalPort())), e.getMessage());
    }
  }

  @Test
  void anInvalidPortIsRejectedBeforeAnythingStarts() {
    assertThrows(IllegalArgumentException.class, () -> BrokerSettings.defaults().withPort(70_000));
  }

  private static Set<String> threadsStartedSince(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !before.contains(t))
        .map(Thread::getName)
        .filter(name -> !name.startsWith(JVM_WIDE_THREAD_PREFIX))
        .filter(name -> JDK_SHARED_THREAD_PREFIXES.stream().noneMatch(name::startsWith))
        .collect(Collectors.toSet());
  }

  private static boolean canBind(int port) {
    try (ServerSocket probe = new ServerSocket(port, 50, InetAddress.getByName("127.0.0.1"))) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
