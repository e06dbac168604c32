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
