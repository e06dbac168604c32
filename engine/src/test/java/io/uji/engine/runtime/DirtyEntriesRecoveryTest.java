package io.uji.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.streaming.StreamingContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A state whose keys all change between checkpoints is checkpointed as RocksDB's copy plus the
 * dirty entries beside it ({@code uji-dirty-entries}); a crash-like stop and a restart from such a
 * checkpoint, replaying the batches after it, gives every count exactly.
 */
class DirtyEntriesRecoveryTest {
  private static final long INTERVAL = 1000;
  private static final int USERS = 3000;
  private static final int PER_BATCH = 5000;
  private static final int EVENTS = 20 * PER_BATCH;

  @TempDir Path tmp;

  // Two key groups of ~1,500 users each: every partition has enough dirty entries to keep them.
  private final CheckpointedCountJob job =
      new CheckpointedCountJob(INTERVAL, USERS, PER_BATCH, EVENTS, c -> c.withStateKeyGroups(2));

  @Test
  void aRestartFromCheckpointsWithDirtyEntriesBesideRocksDbCountsExactly() {
    Path dir = tmp.resolve("ckpt");
    StreamingContext first = job.start(dir);
    job.runUntil(7 * INTERVAL);
    first.stop(false); // as a crash: batch 7 is after the newest checkpoint (6000) and is replayed
    Path newest = dir.resolve("checkpoints").resolve(String.format("checkpoint-%020d", 6000L)).resolve("state");
    assertTrue(Files.exists(newest.resolve("uji-dirty-entries")), "the checkpoint kept its entries beside RocksDB's copy");

    job.completed.clear();
    StreamingContext second = job.start(dir);
    long end = (EVENTS / PER_BATCH) * INTERVAL;
    job.runUntil(end);
    second.stop(false);

    assertEquals(job.expectedFinalState(), job.stateAfter.get(end));
  }

  /**
   * The restore checks the dirty-entries file against the checksum the checkpoint recorded as it
   * reads it (the verification before it leaves that file's bytes to the restore): damage to it
   * still sets the checkpoint aside, naming the file, and the restart falls back exactly.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"middle", "last"})
  void aDamagedDirtyEntriesFileSetsTheCheckpointAsideAndTheRestartFallsBackExactly(String where) throws IOException {
    Path dir = tmp.resolve("ckpt");
    StreamingContext first = job.start(dir);
    job.runUntil(7 * INTERVAL);
    first.stop(false);
    Path checkpoints = dir.resolve("checkpoints");
    Path file = checkpoints.resolve(String.format("checkpoint-%020d", 6000L)).resolve("state").resolve("uji-dirty-entries");
    byte[] b = Files.readAllBytes(file);
    b[where.equals("middle") ? b.length / 2 : b.length - 1] ^= 0x20;
    Files.write(file, b);

    job.completed.clear();
    StreamingContext second = job.start(dir);
    long end = (EVENTS / PER_BATCH) * INTERVAL;
    job.runUntil(end);
    second.stop(false);

    assertEquals(job.expectedFinalState(), job.stateAfter.get(end), "exact after the fallback");
    List<Path> aside;
    try (Stream<Path> s = Files.list(checkpoints)) {
      aside = s.filter(p -> p.getFileName().toString().contains(".corrupt-")).toList();
    }
    assertEquals(1, aside.size(), "only the damaged checkpoint is set aside: " + aside);
    assertTrue(aside.get(0).getFileName().toString().startsWith(String.format("checkpoint-%020d", 6000L)));
    String reason = Files.readString(aside.get(0).resolve("REASON.txt"));
    assertTrue(reason.contains("uji-dirty-entries") && reason.contains("CRC32C"), "the reason names the file: " + reason);
  }

  @Test
  void aCrashAfterTheRestoreAndBeforeTheNextCheckpointRestoresTheSameCheckpointAgainExactly() {
    Path dir = tmp.resolve("ckpt");
    StreamingContext first = job.start(dir);
    job.runUntil(7 * INTERVAL);
    Map<Integer, Long> afterBatch7 = Map.copyOf(job.stateAfter.get(7 * INTERVAL));
    first.stop(false);

    // The restore puts checkpoint 6000's dirty entries into the caches, not into RocksDB; the
    // replayed batch 7 changes them further; then a crash before the checkpoint of batch 8.
    job.completed.clear();
    StreamingContext second = job.start(dir);
    job.runUntil(7 * INTERVAL);
    second.stop(false);
    assertEquals(afterBatch7, job.stateAfter.get(7 * INTERVAL));

    job.completed.clear();
    StreamingContext third = job.start(dir);
    long end = (EVENTS / PER_BATCH) * INTERVAL;
    job.runUntil(end);
    third.stop(false);
    assertEquals(afterBatch7, job.stateAfter.get(7 * INTERVAL));
    assertEquals(job.expectedFinalState(), job.stateAfter.get(end));
  }
}
