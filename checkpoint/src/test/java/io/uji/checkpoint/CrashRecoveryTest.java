package io.uji.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Child JVMs halted at crash points; the parent checks what recovery finds. */
class CrashRecoveryTest {

  @TempDir Path dir;

  private static List<String> crashAt(String point, int after) {
    return List.of("-Duji.crash.at=" + point, "-Duji.crash.after=" + after);
  }

  @ParameterizedTest(name = "{0} at append #{1}: {2} records survive, {3}")
  @CsvSource({
      "wal.before-append, 5, 4, CLEAN",
      "wal.mid-record, 5, 4, TORN_TAIL_TRUNCATED",
      "wal.after-append-before-ack, 5, 5, CLEAN",
      "wal.segment-roll, 2, 4, CLEAN"})
  void shouldRecoverExactlyTheRecordsDurableWhenTheJvmHalted(
      String point, int after, int survivors, RecoveryOutcome outcome) throws Exception {
    Path logDir = dir.resolve("log");
    // 76-byte segments (a 40-byte header) hold 2 records of this size, so the 2nd roll happens at append #5.
    ChildJvm.Result r = ChildJvm.run(dir, crashAt(point, after), ChildMain.class,
        "append", logDir.toString(), "10", "76");
    assertEquals(CrashPoints.EXIT_CODE, r.exitCode(), r.output());
    try (SegmentedLog log = SegmentedLog.open(logDir, LogConfig.defaults())) {
      assertEquals(outcome, log.recovery().outcome());
      List<String> records = new ArrayList<>();
      log.readFrom(log.start(), e -> records.add(new String(e.payload(), StandardCharsets.UTF_8)));
      assertEquals(survivors, records.size(), records.toString());
      for (int i = 0; i < survivors; i++) {
        assertEquals("record-" + i, records.get(i));
      }
    }
  }

  @Test
  void shouldDiscardACheckpointHaltedBeforeItsRename() throws Exception {
    Path cp = dir.resolve("cp");
    ChildJvm.Result r = ChildJvm.run(dir, crashAt("checkpoint.before-rename", 1),
        ChildMain.class, "checkpoint", cp.toString(), "7");
    assertEquals(CrashPoints.EXIT_CODE, r.exitCode(), r.output());
    assertTrue(Files.exists(cp.resolve("checkpoints/checkpoint-00000000000000000007.inprogress")));
    try (CheckpointDirectory d = CheckpointDirectory.open(cp)) {
      assertTrue(d.checkpoints().isEmpty());
      assertTrue(Files.notExists(cp.resolve("checkpoints/checkpoint-00000000000000000007.inprogress")));
    }
  }

  @Test
  void shouldKeepACheckpointHaltedRightAfterItsRename() throws Exception {
    Path cp = dir.resolve("cp");
    ChildJvm.Result r = ChildJvm.run(dir, crashAt("checkpoint.after-rename", 1),
        ChildMain.class, "checkpoint", cp.toString(), "7");
    assertEquals(CrashPoints.EXIT_CODE, r.exitCode(), r.output());
    try (CheckpointDirectory d = CheckpointDirectory.open(cp)) {
      assertEquals(1, d.checkpoints().size());
      assertEquals(3, d.checkpoints().get(0).readMetadata().length);
    }
  }

  @Test
  void shouldRemoveAHalfDeletedCheckpointLeftByACrashDuringCleanup() throws Exception {
    Path cp = dir.resolve("cp");
    try (CheckpointDirectory d = CheckpointDirectory.open(cp)) {
      d.begin(1).complete(new byte[] {1});
    }
    ChildJvm.Result r = ChildJvm.run(dir, crashAt("checkpoint.cleanup", 1),
        ChildMain.class, "checkpoint", cp.toString(), "2");
    assertEquals(CrashPoints.EXIT_CODE, r.exitCode(), r.output());
    try (CheckpointDirectory d = CheckpointDirectory.open(cp)) {
      List<CompletedCheckpoint> all = d.checkpoints();
      assertEquals(2, all.get(0).id());
      all.forEach(CompletedCheckpoint::readMetadata); // whatever is listed is whole
    }
  }
}
