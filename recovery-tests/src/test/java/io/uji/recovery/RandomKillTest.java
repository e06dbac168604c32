package io.uji.recovery;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
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
    return killRepeatedly(s, cycles, seed, 4, false);
  }

  /**
   * As {@link #killRepeatedly(Scenario, int, long)}, each run killed after 1 to {@code maxBatches}
   * batches; if {@code newOnly}, batches it replayed do not count, so that a job whose
   * checkpoints take longer than its replays still moves on from kill to kill.
   */
  static int killRepeatedly(Scenario s, int cycles, long seed, int maxBatches, boolean newOnly) {
    Random rnd = new Random(seed);
    int kills = 0;
    for (int c = 0; c < cycles; c++) {
      ChildJvm.Child child = s.start();
      try {
        int batches = 1 + rnd.nextInt(maxBatches);
        child.awaitLine(l -> l.startsWith("TOTAL") || countBatches(child, newOnly) >= batches, Scenario.RUN_TIMEOUT);
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
    return countBatches(c, false);
  }

  static long countBatches(ChildJvm.Child c, boolean newOnly) {
    return c.lines().stream().filter(l -> l.startsWith("BATCH") && !(newOnly && l.endsWith("replay"))).count();
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

  /**
   * With 2 key groups of ~1,500 users and 2,000 events a batch, most of a group's entries change
   * between checkpoints, so checkpoints keep them beside RocksDB's copy ({@code uji-dirty-entries})
   * and every restart puts them back into the caches, dirty: kills land between such a restore
   * and the next checkpoint, in the replays and in the checkpoints themselves.
   */
  @Test
  void updateKilledAtRandomMomentsWithDirtyEntriesBesideRocksDbCountsExactly(@TempDir Path tmp) {
    int users = 3000;
    long n = 2000L * 6 * (Cycles.random(20) + 2);
    Scenario s = new Scenario(tmp, JobMain.class, "workload=update", "events=" + n, "users=" + users,
        "perBatch=2000", "batchMs=50", "checkpointBatches=3", "keyGroups=2");
    s.runTest(() -> {
      // Its checkpoints outlast its replays: count new batches only, up to two checkpoints' worth.
      int kills = killRepeatedly(s, Cycles.random(20), 1717, 6, true);
      assertTrue(kills >= Math.min(20, Cycles.random(20)), "only " + kills + " kills before the job finished");
      try (Stream<Path> files = Files.walk(s.ckpt.resolve("checkpoints"))) {
        assertTrue(files.anyMatch(f -> f.getFileName().toString().equals("uji-dirty-entries")
                && !f.toString().contains(".inprogress")),
            "a completed checkpoint kept dirty entries beside RocksDB's copy, for the restarts to restore");
      }
      ChildJvm.Child last = s.runToCompletion();
      Verify.totalLine(last.stdout(), n, users);
      Verify.updateTotals(s.out, n, users);
      System.out.println("update with dirty entries: " + kills + " SIGKILLs, " + s.runs() + " runs");
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
