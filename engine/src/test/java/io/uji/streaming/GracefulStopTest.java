package io.uji.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.streaming.CountingJob.Variant;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A graceful stop leaves nothing to replay; a stop that is not graceful replays, and says so. */
class GracefulStopTest {
  @TempDir
  Path tmp;

  /** @return the batch times of the checkpoints in the directory */
  private static List<Long> checkpoints(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir.resolve("checkpoints"))) {
      return s.map(p -> Long.parseLong(p.getFileName().toString().substring("checkpoint-".length()))).sorted()
          .toList();
    }
  }

  @Test
  void aGracefulStopTakesAFinalCheckpointSoTheRestartReplaysNothing() throws IOException {
    CountingJob job = new CountingJob(tmp.resolve("ckpt")).start(new Variant()).run(4);
    job.stop(true);
    // Checkpoints every 2 batches (2000, 4000), then the graceful stop's last batch (5000), off the
    // interval, and its final checkpoint.
    assertEquals(5000L, job.completed.last(), "the graceful stop runs one last batch");
    assertEquals(List.of(2000L, 4000L, 5000L), checkpoints(job.dir));
    job.start(new Variant()).runToTheEnd();
    job.stop(true);
    assertEquals(List.of(), job.replayed(), "nothing is replayed after a graceful stop");
    assertEquals(CountingJob.expected(), new TreeMap<>(job.counts));
    assertEquals(CountingJob.expected(), new TreeMap<>(job.totals));
  }

  @Test
  void aStopThatIsNotGracefulReplaysTheBatchesAfterTheLastCheckpointMarkedAsReplays() {
    CountingJob job = new CountingJob(tmp.resolve("ckpt")).start(new Variant()).run(5);
    job.stop(false);
    assertEquals(List.of(), job.replayed());
    job.start(new Variant()).runToTheEnd();
    job.stop(false);
    assertEquals(List.of(5000L), job.replayed(), "the batch after checkpoint 4000");
    assertEquals(CountingJob.expected(), new TreeMap<>(job.totals));
  }

  @Test
  void aGracefulStopRightAfterACheckpointAddsNoSecondOne() throws IOException {
    CountingJob job = new CountingJob(tmp.resolve("ckpt")).start(new Variant()).run(3);
    // The graceful stop's last batch is 4000, a checkpoint time already.
    job.stop(true);
    assertEquals(List.of(2000L, 4000L), checkpoints(job.dir));
    job.start(new Variant()).runToTheEnd();
    job.stop(false);
    assertEquals(List.of(), job.replayed());
  }
}
