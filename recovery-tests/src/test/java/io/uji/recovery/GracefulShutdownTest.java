package io.uji.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deploy: the service gets SIGTERM (not SIGKILL) and, with {@code stopGracefullyOnShutdown},
 * stops gracefully in its shutdown hook, so the next start has nothing to replay.
 */
class GracefulShutdownTest {
  private static final long EVENTS = 2000;
  private static final int USERS = 30;
  /** SIGTERM's exit status: 128 + 15, once the shutdown hooks ran. */
  private static final int TERMINATED = 143;

  @Test
  void sigtermStopsGracefullySoTheRestartReplaysNothing(@TempDir Path tmp) {
    // No periodic checkpoint before the SIGTERM: only the graceful stop's own one saves the restart a replay.
    Scenario s = new Scenario(tmp, ShutdownJobMain.class, "events=" + EVENTS, "users=" + USERS, "rate=400",
        "batchMs=100", "checkpointBatches=1000", "graceful=true");
    s.runTest(() -> {
      ChildJvm.Child first = s.start();
      first.awaitLine(l -> l.startsWith("BATCH 5 "), Scenario.RUN_TIMEOUT);
      first.process.destroy(); // SIGTERM
      assertEquals(TERMINATED, first.awaitExit(Scenario.RUN_TIMEOUT), "exit status after SIGTERM");
      ChildJvm.Child second = s.runToCompletion();
      List<String> replays = second.lines().stream().filter(l -> l.startsWith("BATCH ") && l.endsWith("replay=true"))
          .toList();
      assertEquals(List.of(), replays, "batches replayed after a graceful stop");
      assertTrue(second.lines().stream().anyMatch(l -> l.startsWith("BATCH ")), "the second run ran batches");
      Verify.totalLine(second.stdout(), EVENTS, USERS);
      Verify.generatorEvents(s.out, EVENTS, USERS);
    });
  }
}
