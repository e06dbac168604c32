package io.uji.recovery;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SIGKILL at random moments: start the job, let it complete a random number of batches, kill it
 * (destroyForcibly) a random few milliseconds later, restart on the same checkpoint directory,
 * repeat; then let it finish and compare with the ground truth.
 */
class RandomKillTest {
  private static final int USERS = 40;

  /** Kills {@code cycles} times (fewer only if the job finishes first); @return kills done. */
  static int killRepeatedly(Scenario s, int cycles, long seed) {
    Random rnd = new Random(seed);
    int kills = 0;
    for (int c = 0; c < cycles; c++) {
      ChildJvm.Child child = s.start();
      try {
        int batches = 1 + rnd.nextInt(4);
        child.awaitLine(l -> l.startsWith("TOTAL") || countBatches(child) >= batches, Scenario.RUN_TIMEOUT);
        if (child.stdout().contains("TOTAL")) {
          int code = child.awaitExit(Scenario.RUN_TIMEOUT);
          if (code != 0) {
            fail("run exited with " + code);
          }
          return kills;
        }
        LockSupport.parkNanos(Duration.ofMillis(rnd.nextInt(40)).toNanos()); // a random moment, not a wait
        child.kill();
        int code = child.process.exitValue();
        if (code != Scenario.KILLED && code != 0) {
          fail("run " + s.runs() + " exited with " + code + " before it was killed");
        }
        kills++;
      } finally {
        child.close();
      }
    }
    return kills;
  }

  /**
   * @return events for a job that must still be running after {@code cycles} kills: a run moves
   *     on by at most ~5 batches of 20 events before its kill
   */
  static long eventsFor(int cycles) {
    return Math.max(2400, 20L * 6 * (cycles + 2));
  }

  static long countBatches(ChildJvm.Child c) {
    return c.lines().stream().filter(l -> l.startsWith("BATCH")).count();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"stateless", "update", "sessions"})
  void jobKilledAtRandomMomentsFinishesWithExactPerUserCounts(String workload, @TempDir Path tmp) {
    long n = eventsFor(Cycles.random(20));
    Scenario s = new Scenario(tmp, JobMain.class, "workload=" + workload, "events=" + n, "users=" + USERS,
        "perBatch=20", "batchMs=50", "checkpointBatches=3");
    s.runTest(() -> {
      int kills = killRepeatedly(s, Cycles.random(20), 42 + workload.hashCode());
      assertTrue(kills >= Math.min(20, Cycles.random(20)), "only " + kills + " kills before the job finished");
      ChildJvm.Child last = s.runToCompletion();
      Verify.totalLine(last.stdout(), n, USERS);
      if (workload.equals("stateless")) {
        Verify.generatorEvents(s.out, n, USERS);
      } else if (workload.equals("update")) {
        Verify.updateTotals(s.out, n, USERS);
      } else {
        Verify.sessions(s.out, n, USERS);
      }
      Verify.checkpointDirBounded(s.ckpt, 2, 2);
      System.out.println(workload + ": " + kills + " SIGKILLs, " + s.runs() + " runs");
    });
  }

  @Test
  void windowedCountsWithInverseReduceAreExactAfterRandomKills(@TempDir Path tmp) {
    long n = eventsFor(Cycles.random(20));
    Scenario s = new Scenario(tmp, JobMain.class, "workload=window", "events=" + n, "users=" + USERS,
        "perBatch=20", "batchMs=50", "checkpointBatches=2");
    s.runTest(() -> {
      int kills = killRepeatedly(s, Cycles.random(20), 7);
      assertTrue(kills >= Math.min(20, Cycles.random(20)), "only " + kills + " kills before the job finished");
      s.runToCompletion();
      Verify.generatorEvents(s.out, n, USERS);
      Verify.windows(s.out, 4 * 50, USERS);
      Verify.checkpointDirBounded(s.ckpt, 2, 2);
      System.out.println("window: " + kills + " SIGKILLs, " + s.runs() + " runs");
    });
  }
}
