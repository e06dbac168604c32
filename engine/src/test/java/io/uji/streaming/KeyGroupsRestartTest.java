package io.uji.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.streaming.CountingJob.Variant;
import java.nio.file.Path;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The keyed state is split into a fixed number of key groups ({@link
 * StreamingConfig#stateKeyGroups()}), not into the core count: a checkpoint taken with one number of
 * workers or partitions restores with any other, every count exact.
 */
class KeyGroupsRestartTest {
  @TempDir
  Path tmp;

  private static Variant cores(int n) {
    return new Variant().config(c -> c.withWorkerThreads(n).withDefaultParallelism(n));
  }

  @Test
  void aCheckpointTakenOnTwoCoresRestoresOnFourThenOneExactly() {
    CountingJob job = new CountingJob(tmp.resolve("ckpt"));
    job.start(cores(2)).run(6);
    job.stop(false);
    job.start(cores(4)).run(6);
    job.stop(false);
    job.start(cores(1)).runToTheEnd();
    job.stop(false);
    assertEquals(CountingJob.expected(), new TreeMap<>(job.counts));
    assertEquals(CountingJob.expected(), new TreeMap<>(job.totals));
  }

  @Test
  void anExplicitPartitionCountMayChangeBetweenRunsExactly() {
    CountingJob job = new CountingJob(tmp.resolve("ckpt"));
    job.start(new Variant().partitions(3)).run(6);
    job.stop(false);
    job.start(new Variant().partitions(8)).run(6);
    job.stop(false);
    job.start(new Variant()).runToTheEnd();
    job.stop(false);
    assertEquals(CountingJob.expected(), new TreeMap<>(job.counts));
    assertEquals(CountingJob.expected(), new TreeMap<>(job.totals));
  }

  @Test
  void restoredStateKeepsTheKeyGroupsItWasWrittenWithWhenTheSettingChanges() {
    CountingJob job = new CountingJob(tmp.resolve("ckpt"));
    job.start(new Variant().config(c -> c.withStateKeyGroups(16))).run(6);
    job.stop(false);
    job.start(new Variant().config(c -> c.withStateKeyGroups(64))).runToTheEnd();
    job.stop(false);
    assertEquals(CountingJob.expected(), new TreeMap<>(job.counts));
    assertEquals(CountingJob.expected(), new TreeMap<>(job.totals));
  }

  @Test
  void moreWorkersThanKeyGroupsStillCountExactly() {
    CountingJob job = new CountingJob(tmp.resolve("ckpt"));
    job.start(new Variant().partitions(6).config(c -> c.withStateKeyGroups(2).withWorkerThreads(3))).runToTheEnd();
    job.stop(false);
    assertEquals(CountingJob.expected(), new TreeMap<>(job.counts));
    assertEquals(CountingJob.expected(), new TreeMap<>(job.totals));
  }

  @Test
  void aKeyGroupCountBelowOneIsRefusedNamingTheSetting() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> StreamingConfig.builder().stateKeyGroups(0).build());
    assertTrue(e.getMessage().contains("stateKeyGroups"), e.getMessage());
  }
}
