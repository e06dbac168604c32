package io.uji.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Deterministic crashes: the child halts ({@code Runtime.halt}, as a power failure) at the N-th
 * arrival at a named crash point ({@code -Duji.crash.at}, {@code -Duji.crash.after}), is
 * restarted on the same checkpoint directory, and so on; then it runs to the end and its outputs
 * are checked against the ground truth.
 */
class CrashMatrixTest {
  private static final int USERS = 40;

  /** Points reached by a generator job with two stateful operators (the lineage log shares the wal.* points). */
  static final List<String> GENERATOR_POINTS = List.of("lineage.before-append", "lineage.after-append",
      "wal.before-append", "wal.mid-record", "wal.after-append-before-ack", "job.before-output", "job.after-output",
      "checkpoint.before-state", "checkpoint.after-state", "checkpoint.before-rename", "checkpoint.after-rename",
      "checkpoint.cleanup", "cleanup.before-delete", "batch.before-state-commit", "batch.after-state-commit");

  /**
   * Crashes {@code cycles} times at {@code point}, each time at a random one of its first
   * {@code maxAfter} arrivals; @return how many runs halted there.
   */
  static int crashRepeatedly(Scenario s, String point, int cycles, int maxAfter, Random rnd) {
    int halts = 0;
    for (int c = 0; c < cycles; c++) {
      int after = 1 + rnd.nextInt(maxAfter);
      ChildJvm.Child child = s.start("uji.crash.at", point, "uji.crash.after", after);
      try {
        int code = child.awaitExit(Scenario.RUN_TIMEOUT);
        if (code == 0) {
          return halts; // finished before reaching the point
        }
        if (code != Scenario.HALTED) {
          fail("run " + s.runs() + " (crash at " + point + " #" + after + ") exited with " + code);
        }
        halts++;
      } finally {
        child.close();
      }
    }
    return halts;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"lineage.before-append", "lineage.after-append", "wal.before-append", "wal.mid-record",
      "wal.after-append-before-ack", "job.before-output", "job.after-output", "checkpoint.before-state",
      "checkpoint.after-state", "checkpoint.before-rename", "checkpoint.after-rename", "checkpoint.cleanup",
      "cleanup.before-delete", "batch.before-state-commit", "batch.after-state-commit"})
  void twoStatefulOperatorsCrashedAtNamedPointRecoverExactly(String point, @TempDir Path tmp) {
    // A run halts within its first 4 arrivals at the point: at most 4 checkpoints, 12 batches on.
    long n = Math.max(1200, 20L * 12 * (Cycles.perPoint(2) + 2));
    Scenario s = new Scenario(tmp, JobMain.class, "workload=two", "events=" + n, "users=" + USERS, "perBatch=20",
        "batchMs=50", "checkpointBatches=3");
    s.runTest(() -> {
      int halts = crashRepeatedly(s, point, Cycles.perPoint(2), 4, new Random(point.hashCode()));
      assertTrue(halts >= 1, "the job never reached " + point);
      ChildJvm.Child last = s.runToCompletion();
      Verify.totalLine(last.stdout(), n, USERS);
      Verify.sessions(s.out, n, USERS);
      Verify.updateTotals(s.out, n, USERS);
      Verify.checkpointDirBounded(s.ckpt, 2, 2);
      System.out.println(point + ": " + halts + " halts");
    });
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"wal.before-append", "wal.mid-record", "wal.after-append-before-ack", "source.before-ack",
      "job.after-output", "checkpoint.after-rename"})
  void receiverJobCrashedAtNamedPointLosesNoAcknowledgedRecord(String point, @TempDir Path tmp) throws Exception {
    // A run halts within its first 6 arrivals at the point: at most ~6 checkpoints of 3 batches
    // of ~50 records (1000 records/s, 50 ms batches) on.
    long n = Math.max(1500, 900L * Cycles.perPoint(2));
    int block = 10;
    Scenario s = new Scenario(tmp, ReceiverJobMain.class, "events=" + n, "block=" + block, "rate=1000",
        "batchMs=50", "checkpointBatches=3");
    s.runTest(() -> {
      int halts = crashRepeatedly(s, point, Cycles.perPoint(2), 6, new Random(point.hashCode()));
      assertTrue(halts >= 1, "the job never reached " + point);
      s.runToCompletion();
      Verify.receiverRecords(s.out, n, block, halts);
      assertEquals(Long.toString(n), Files.readString(s.out.resolve("ack")).trim(), "acknowledged position");
      Verify.checkpointDirBounded(s.ckpt, 2, 2);
      System.out.println("receiver " + point + ": " + halts + " halts");
    });
  }

  /** At least 20 crashes on one directory, each at the next named point in turn. */
  @Test
  void everyNamedPointInTurnOnOneDirectoryRecoversExactly(@TempDir Path tmp) {
    // A run halts within its first 3 arrivals at a point: at most 3 checkpoints, 9 batches on.
    long n = Math.max(4000, 20L * 10 * (Math.max(Cycles.random(20), 20) + 2));
    Scenario s = new Scenario(tmp, JobMain.class, "workload=two", "events=" + n, "users=" + USERS, "perBatch=20",
        "batchMs=50", "checkpointBatches=3");
    Random rnd = new Random(5);
    s.runTest(() -> {
      int halts = 0;
      int cycles = Math.max(Cycles.random(20), 20);
      for (int c = 0; c < cycles; c++) {
        halts += crashRepeatedly(s, GENERATOR_POINTS.get(c % GENERATOR_POINTS.size()), 1, 3, rnd);
      }
      assertTrue(halts >= 20, "only " + halts + " crashes");
      ChildJvm.Child last = s.runToCompletion();
      Verify.totalLine(last.stdout(), n, USERS);
      Verify.sessions(s.out, n, USERS);
      Verify.updateTotals(s.out, n, USERS);
      Verify.checkpointDirBounded(s.ckpt, 2, 2);
      System.out.println("rotation: " + halts + " halts on one directory");
    });
  }

  /**
   * A crash while replaying, arranged rather than hoped for: a crash after a batch's output and
   * before its end always leaves that batch to replay, and the next run halts at the first
   * replayed batch ({@code batch.replay}, reached only when there is one). Again and again on
   * one directory; then the job finishes exactly.
   */
  @Test
  void crashWhileReplayingAfterACrashRecoversExactly(@TempDir Path tmp) {
    int cycles = Math.max(5, Cycles.perPoint(2) * 3);
    // Each cycle moves on by at most 4 batches of 20 events: enough events that the job is
    // still running at the last cycle.
    long n = Math.max(2000, 20L * 4 * (cycles + 2));
    Scenario s = new Scenario(tmp, JobMain.class, "workload=update", "events=" + n, "users=" + USERS,
        "perBatch=20", "batchMs=50", "checkpointBatches=10");
    Random rnd = new Random(11);
    s.runTest(() -> {
      for (int c = 0; c < cycles; c++) {
        assertEquals(1, crashAt(s, "job.after-output", 1 + rnd.nextInt(4)), "cycle " + c + ": a crash mid-batch");
        assertEquals(1, crashAt(s, "batch.replay", 1), "cycle " + c + ": a crash while replaying");
      }
      ChildJvm.Child last = s.runToCompletion();
      Verify.totalLine(last.stdout(), n, USERS);
      Verify.updateTotals(s.out, n, USERS);
      long replayed = last.lines().stream().filter(l -> l.endsWith("replay")).count();
      System.out.println("replay crashes: " + cycles + ", the last run replayed " + replayed);
    });
  }

  /**
   * A crash while the second checkpoint is written: recovery restores the first and replays two
   * batches, and the next window also spans two batches before the checkpoint, which recovery
   * re-registers from their lineage. The window must count them (it once saw them as empty).
   */
  @ParameterizedTest(name = "crash at checkpoint #{0}")
  @ValueSource(ints = {2, 3})
  void windowSpanningBatchesBeforeTheRestoredCheckpointCountsThem(int checkpointNumber, @TempDir Path tmp) {
    long n = 600;
    Scenario s = new Scenario(tmp, JobMain.class, "workload=window", "events=" + n, "users=" + USERS,
        "perBatch=20", "batchMs=50", "checkpointBatches=2");
    s.runTest(() -> {
      assertEquals(1, crashAt(s, "checkpoint.before-rename", checkpointNumber), "halted in the checkpoint");
      s.runToCompletion();
      Verify.generatorEvents(s.out, n, USERS);
      Verify.windows(s.out, 4 * 50, USERS);
    });
  }

  /** One run that halts at the {@code after}-th arrival at {@code point}; @return 1 if it halted there. */
  static int crashAt(Scenario s, String point, int after) {
    ChildJvm.Child child = s.start("uji.crash.at", point, "uji.crash.after", after);
    try {
      int code = child.awaitExit(Scenario.RUN_TIMEOUT);
      if (code != Scenario.HALTED && code != 0) {
        fail("run " + s.runs() + " (crash at " + point + " #" + after + ") exited with " + code);
      }
      return code == Scenario.HALTED ? 1 : 0;
    } finally {
      child.close();
    }
  }

  /**
   * Write-ahead log segments (64 MiB) roll: 1 MiB blocks fill a few; the job is halted at a
   * roll (the old segment forced, the new one not yet created), restarted, and at the end loses
   * nothing and keeps only the segments an unfinished batch or a retained checkpoint needs.
   */
  @Test
  void receiverCrashedAtWalSegmentRollLosesNothingAndOldSegmentsAreDeleted(@TempDir Path tmp) {
    long n = 2000;
    int block = 10;
    Scenario s = new Scenario(tmp, ReceiverJobMain.class, "events=" + n, "block=" + block, "rate=500",
        "batchMs=50", "checkpointBatches=3", "pad=100000");
    s.runTest(() -> {
      int halts = crashAt(s, "wal.segment-roll", 1) + crashAt(s, "wal.segment-roll", 2);
      assertTrue(halts >= 1, "never reached a segment roll");
      s.runToCompletion();
      Verify.receiverRecords(s.out, n, block, halts);
      Verify.checkpointDirBounded(s.ckpt, 2, 2);
      System.out.println("segment roll: " + halts + " halts, checkpoint dir " + (Verify.sizeOf(s.ckpt) >> 20) + " MiB");
    });
  }
}
