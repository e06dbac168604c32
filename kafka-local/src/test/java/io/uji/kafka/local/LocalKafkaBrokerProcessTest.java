package io.uji.kafka.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The broker in its own JVM: SIGKILL, restart on the same directory and port, no orphans. */
class LocalKafkaBrokerProcessTest {

  @Test
  void aSigkilledBrokerRestartsOnTheSameDirectoryAndPortWithItsRecords() {
    try (LocalKafkaBrokerProcess broker = LocalKafkaBrokerProcess.start(BrokerSettings.defaults())) {
      withOutputOnFailure(broker, () -> {
        String address = broker.bootstrapServers();
        Clients.createTopic(address, "survivor", 1);
        // acks=all: acknowledged records are in the broker's log (the OS page cache); a SIGKILL
        // of the JVM does not lose them.
        Clients.produce(address, "survivor", List.of("a", "b", "c"));
        long firstPid = broker.pid();

        broker.kill();

        assertFalse(broker.isAlive());
        assertFalse(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive).orElse(false));
        assertTrue(canBind(broker.port()), "the killed broker's port is still bound");

        broker.restart();

        assertNotEquals(firstPid, broker.pid());
        assertEquals(address, broker.bootstrapServers());
        assertEquals(List.of("a", "b", "c"), Clients.values(Clients.readAll(address, "survivor", Map.of())));
        assertEquals(2, broker.output().lines().filter(l -> l.startsWith(BrokerCommand.READY_PREFIX)).count(),
            "one ready line per start");
      });
    }
  }

  @Test
  void theBrokerJvmExitsWhenTheProcessThatStartedItDies() throws IOException {
    Process parent = new ProcessBuilder("sleep", "600").start();
    try (LocalKafkaBrokerProcess broker = LocalKafkaBrokerProcess.start(
        BrokerSettings.defaults(), LocalKafkaBrokerProcess.DEFAULT_JVM_OPTIONS, parent.pid())) {
      withOutputOnFailure(broker, () -> {
        assertTrue(broker.isAlive());

        parent.destroyForcibly();

        await().atMost(Duration.ofSeconds(60)).until(() -> !broker.isAlive());
      });
    } finally {
      parent.destroyForcibly();
    }
  }

  @Test
  void aBrokerJvmThatCannotStartFailsAtOnceWithItsOutput() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      LocalKafkaException e = assertThrows(LocalKafkaException.class,
          () -> LocalKafkaBrokerProcess.start(BrokerSettings.defaults().withPort(taken.getLocalPort())));

      assertTrue(e.getMessage().contains("exited with 1 before it was ready"), e.getMessage());
      assertTrue(e.getMessage().contains("Cannot bind the broker's listeners"), e.getMessage());
    }
  }

  /** Runs the checks; if one fails, the failure carries the broker JVM's output. */
  private static void withOutputOnFailure(LocalKafkaBrokerProcess broker, Runnable checks) {
    try {
      checks.run();
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError(e.getMessage() + "\n---- broker JVM output (" + broker.outputFile() + "):\n"
          + broker.output(), e);
    }
  }

  private static boolean canBind(int port) {
    try (ServerSocket probe = new ServerSocket(port, 50, InetAddress.getByName("127.0.0.1"))) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
