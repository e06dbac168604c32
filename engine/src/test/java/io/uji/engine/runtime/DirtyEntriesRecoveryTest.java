package io.uji.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.streaming.StreamingContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
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
