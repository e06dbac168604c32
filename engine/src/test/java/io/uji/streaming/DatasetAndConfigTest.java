package io.uji.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DatasetAndConfigTest {
  private static final Dataset<Integer> DATA = Dataset.parallelize(List.of(1, 2, 3, 4, 5, 6, 7), 3);

  @Test
  void parallelizeSplitsIntoContiguousPartitions() {
    assertEquals(List.of(List.of(1, 2), List.of(3, 4), List.of(5, 6, 7)), DATA.partitions());
    assertEquals(7, DATA.count());
  }

  @Test
  void datasetTransformationsKeepPartitionsAndLeaveTheOriginalUnchanged() {
    assertEquals(List.of(2, 4, 6, 8, 10, 12, 14), DATA.map(x -> x * 2).collect());
    assertEquals(List.of(2, 4, 6), DATA.filter(x -> x % 2 == 0).collect());
    assertEquals(List.of(1, 1, 2, 2), Dataset.parallelize(List.of(1, 2), 2).flatMap(x -> List.of(x, x).iterator()).collect());
    assertEquals(List.of(2, 2, 3), DATA.mapPartitions(it -> {
      int n = 0;
      while (it.hasNext()) {
        it.next();
        n++;
      }
      return List.of(n).iterator();
    }).collect());
    assertEquals(List.of(1, 2, 3), DATA.take(3));
    assertEquals(6, DATA.union(DATA).numPartitions());
    assertEquals(List.of(1, 2, 3, 4, 5, 6, 7), DATA.collect());
  }

  @Test
  void datasetPartitionsCannotBeModified() {
    assertThrows(UnsupportedOperationException.class, () -> DATA.partitions().add(List.of()));
    assertThrows(UnsupportedOperationException.class, () -> DATA.partition(0).add(9));
  }

  @Test
  void configRejectsNonPositiveSizesAndNegativeRates() {
    StreamingConfig d = StreamingConfig.defaults();
    assertTrue(assertThrows(IllegalArgumentException.class, () -> d.withWorkerThreads(0)).getMessage().contains("workerThreads"));
    assertThrows(IllegalArgumentException.class, () -> d.withReceiverMaxBufferedRecords(0));
    assertThrows(IllegalArgumentException.class, () -> d.withReceiverMaxBlockRecords(-1));
    assertThrows(IllegalArgumentException.class, () -> d.withMaxRatePerReceiver(-1));
    assertThrows(IllegalArgumentException.class, () -> d.withReceiverRestartDelay(Durations.milliseconds(-1)));
  }

  @Test
  void withWorkerThreadsAlsoMovesAnUnchangedDefaultParallelism() {
    StreamingConfig c = StreamingConfig.defaults().withWorkerThreads(3);
    assertEquals(3, c.defaultParallelism());
    assertEquals(5, c.withDefaultParallelism(5).withWorkerThreads(2).defaultParallelism());
  }

  @Test
  void theBuilderSetsEverySettingAndToBuilderCopiesThemAll() {
    ManualClock clock = new ManualClock();
    StreamingConfig c = StreamingConfig.builder()
        .workerThreads(3).defaultParallelism(7).clock(clock).receiverMaxBufferedRecords(11)
        .receiverMaxBlockRecords(12).maxRatePerReceiver(13).receiverRestartDelay(Durations.milliseconds(14))
        .stateMemoryBytes(15).stateCacheEntriesPerPartition(16).stateDir(java.nio.file.Path.of("/tmp/s"))
        .kryoRegistration(Pair.class, 100).walGroupCommit(Durations.milliseconds(17)).checkpointsRetained(18)
        .logSegmentBytes(1 << 20).receiverMaxRestarts(19).stopGracefullyOnShutdown(true)
        .allowNonRestoredState(true).statusPort(4040)
        .sqlLimits(new SqlLimits(Durations.seconds(5), 19, 32L << 20, 2)).stateKeyGroups(20)
        .stateCompaction(StateCompaction.UNIVERSAL).build();
    assertEquals(new StreamingConfig(3, 7, clock, 11, 12, 13, Durations.milliseconds(14), 15, 16,
        java.nio.file.Path.of("/tmp/s"), java.util.Map.of(Pair.class, 100), Durations.milliseconds(17), 18, 1 << 20,
        19, true, true,
        new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 4040),
        new SqlLimits(Durations.seconds(5), 19, 32L << 20, 2), 20, StateCompaction.UNIVERSAL), c);
    assertEquals(c, c.toBuilder().build());
    assertEquals(c.withCheckpointsRetained(4), c.toBuilder().checkpointsRetained(4).build());
  }

  @Test
  void theBuildersDefaultsAreTheDefaultConfig() {
    assertEquals(StreamingConfig.defaults(), StreamingConfig.builder().build());
    assertEquals(Runtime.getRuntime().availableProcessors(), StreamingConfig.defaults().workerThreads());
    assertEquals(SystemClock.INSTANCE, StreamingConfig.defaults().clock());
  }

  @Test
  void theDefaultStateCacheFitsAThirdOfTheHeapAt80BytesAKeyOverTheParallelism() {
    long perPartition = Runtime.getRuntime().maxMemory() / 3 / 80 / 2;
    int expected = (int) Math.max(4096, Math.min(1 << 24, perPartition));
    assertEquals(expected, StreamingConfig.builder().defaultParallelism(2).build().stateCacheEntriesPerPartition());
  }

  @Test
  void theBuilderReportsAnInvalidSettingByName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> StreamingConfig.builder().checkpointsRetained(0).build());
    assertTrue(e.getMessage().contains("checkpointsRetained"), e.getMessage());
  }

  @Test
  void durationsAndTimesAreEqualAndOrderedByTheirMilliseconds() {
    assertEquals(Durations.seconds(2), Duration.ofMillis(2000));
    assertEquals(Long.hashCode(2000), Durations.seconds(2).hashCode());
    assertTrue(Durations.seconds(1).compareTo(Durations.milliseconds(1001)) < 0);
    assertEquals("2000 ms", Durations.seconds(2).toString());
    assertEquals(new Time(5000), new Time(4000).plus(Durations.seconds(1)));
    assertEquals(Long.hashCode(5000), new Time(5000).hashCode());
    assertTrue(new Time(1).compareTo(new Time(2)) < 0);
    assertEquals(Durations.seconds(1), new Time(5000).minus(new Time(4000)));
    assertEquals("5000 ms", new Time(5000).toString());
  }

  @Test
  void aNonPositiveBatchIntervalIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> new StreamingContext(Durations.milliseconds(0)));
    assertThrows(IllegalArgumentException.class, () -> new StreamingContext(Durations.milliseconds(-5)));
  }

  @Test
  void manualClockCannotGoBack() {
    ManualClock clock = new ManualClock(100);
    clock.advance(50);
    assertEquals(150, clock.getTimeMillis());
    assertThrows(IllegalArgumentException.class, () -> clock.setTime(149));
  }
}
