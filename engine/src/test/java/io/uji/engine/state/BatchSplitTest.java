package io.uji.engine.state;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.engine.exec.WorkerPool;
import io.uji.engine.graph.PartitionSource;
import io.uji.streaming.Dataset;
import io.uji.streaming.Pair;
import io.uji.streaming.Partitioner;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BatchSplitTest {
  private final WorkerPool pool = new WorkerPool("split-test", 2);

  @AfterEach
  void closePool() {
    pool.close();
  }

  /** A partitioner of {@code n} partitions that sends a key where {@code f} says. */
  private static Partitioner partitioner(int n, ToIntFunction<Object> f) {
    return new Partitioner() {
      @Override
      public int numPartitions() {
        return n;
      }

      @Override
      public int getPartition(Object key) {
        return f.applyAsInt(key);
      }
    };
  }

  /** Sends key k to partition k % n: easy to predict. */
  private static Partitioner modulo(int n) {
    return partitioner(n, k -> (Integer) k % n);
  }

  private static PartitionSource<Pair<Integer, String>> source(List<List<Pair<Integer, String>>> parts) {
    // The dataset's own pool is not used: the split runs the partitions on the test's pool.
    return PartitionSource.of(Dataset.of(parts));
  }

  private static List<Pair<Integer, String>> records(int from, int to) {
    List<Pair<Integer, String>> out = new ArrayList<>();
    for (int k = from; k < to; k++) {
      out.add(Pair.of(k, "v" + k));
    }
    return out;
  }

  /** What KeyGroups reads for state partition p: input 0's records, then input 1's, ... */
  private static List<Pair<Integer, String>> read(BatchSplit<Integer, String> split, int p) {
    List<Pair<Integer, String>> out = new ArrayList<>();
    for (int i = 0; i < split.inputPartitions(); i++) {
      for (int j = 0; j < split.size(i, p); j++) {
        out.add(Pair.of(split.key(i, p, j), split.value(i, p, j)));
      }
    }
    return out;
  }

  @Test
  void eachStatePartitionGetsItsRecordsInBatchOrder() {
    BatchSplit<Integer, String> split = new BatchSplit<>(modulo(3));
    split.load(source(List.of(records(0, 10), records(10, 20))), pool, "test");

    for (int p = 0; p < 3; p++) {
      List<Pair<Integer, String>> expected = new ArrayList<>();
      for (int k = 0; k < 20; k++) {
        if (k % 3 == p) {
          expected.add(Pair.of(k, "v" + k));
        }
      }
      assertEquals(expected, read(split, p), "state partition " + p);
      assertEquals(expected.size(), split.recordsFor(p));
    }
  }

  @Test
  void oneStatePartitionTakesEveryRecordWithoutAskingThePartitioner() {
    AtomicInteger asked = new AtomicInteger();
    BatchSplit<Integer, String> split = new BatchSplit<>(partitioner(1, k -> {
      asked.incrementAndGet();
      return 0;
    }));
    split.load(source(List.of(records(0, 5), records(5, 8))), pool, "test");

    assertEquals(records(0, 8), read(split, 0));
    assertEquals(0, asked.get());
  }

  @Test
  void byOriginInputPartitionIIsKeyGroupIWholeAndNoKeyIsHashed() {
    BatchSplit<Integer, String> split = BatchSplit.byOrigin(3);
    // The same key in two partitions stays in both: its group is where it was read from.
    split.load(source(List.of(records(0, 4), List.of(), List.of(Pair.of(2, "again"), Pair.of(9, "v9")))), pool, "test");

    assertEquals(records(0, 4), read(split, 0));
    assertEquals(List.of(), read(split, 1));
    assertEquals(List.of(Pair.of(2, "again"), Pair.of(9, "v9")), read(split, 2));
    assertEquals(4, split.recordsFor(0));
    assertTrue(split.byOrigin());
    assertThrows(IllegalStateException.class, () -> split.keyGroupOf(2));
  }

  @Test
  void byOriginABatchOfAnotherPartitionCountIsAClearError() {
    BatchSplit<Integer, String> split = BatchSplit.byOrigin(3);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> split.load(source(List.of(records(0, 3), records(3, 6))), pool, "mapWithState 'counts'"));
    assertTrue(e.getMessage().contains("mapWithState 'counts' is placed by origin over 3 partitions but has 2"),
        e.getMessage());
  }

  @Test
  void byOriginABatchClearsThePreviousOne() {
    BatchSplit<Integer, String> split = BatchSplit.byOrigin(2);
    split.load(source(List.of(records(0, 4), records(4, 8))), pool, "test");
    split.load(source(List.of(List.of(), records(8, 9))), pool, "test");

    assertEquals(List.of(), read(split, 0));
    assertEquals(records(8, 9), read(split, 1));
  }

  @Test
  void aPartitionOutsideTheRangeIsAClearError() {
    BatchSplit<Integer, String> split = new BatchSplit<>(partitioner(3, k -> 7));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> split.load(source(List.of(records(0, 3), records(3, 6))), pool, "test"));
    assertTrue(e.getMessage().contains("in partition 7, outside [0, 3)"), e.getMessage());
  }

  @Test
  void aNullSourceIsAnEmptyBatchAndClearsThePreviousOne() {
    BatchSplit<Integer, String> split = new BatchSplit<>(modulo(2));
    split.load(source(List.of(records(0, 4), records(4, 8))), pool, "test");
    split.load(null, pool, "test");

    assertEquals(0, split.inputPartitions());
    assertEquals(0, split.recordsFor(0));
    assertEquals(0, split.recordsFor(1));
  }

  @Test
  void aLaterBatchSeesOnlyItsOwnRecords() {
    BatchSplit<Integer, String> split = new BatchSplit<>(modulo(2));
    split.load(source(List.of(records(0, 100), records(100, 200))), pool, "test");
    split.load(source(List.of(records(1000, 1003))), pool, "test");

    assertEquals(List.of(Pair.of(1000, "v1000"), Pair.of(1002, "v1002")), read(split, 0));
    assertEquals(List.of(Pair.of(1001, "v1001")), read(split, 1));
  }

  @Test
  void aSmallBatchAfterAFarBiggerOneGivesTheRoomBack() {
    BatchSplit<Integer, String> split = new BatchSplit<>(modulo(2));
    split.load(source(List.of(records(0, 100_000))), pool, "test");
    assertTrue(split.capacity(0, 0) >= 50_000);

    split.load(source(List.of(records(0, 10))), pool, "test");

    assertEquals(List.of(Pair.of(0, "v0"), Pair.of(2, "v2"), Pair.of(4, "v4"), Pair.of(6, "v6"), Pair.of(8, "v8")), read(split, 0));
    assertTrue(split.capacity(0, 0) <= 1024, "capacity " + split.capacity(0, 0));
  }

  @Test
  void aSkewedPartitionerKeepsItsRoomFromBatchToBatch() {
    BatchSplit<Integer, String> split = new BatchSplit<>(partitioner(16, k -> 5));
    split.load(source(List.of(records(0, 30_000))), pool, "test");
    int room = split.capacity(0, 5);

    split.load(source(List.of(records(0, 20_000))), pool, "test");

    assertEquals(room, split.capacity(0, 5));
    assertEquals(20_000, split.recordsFor(5));
  }

  @Test
  void releaseDropsTheReferencesToTheBatchsRecords() {
    BatchSplit<Integer, String> split = new BatchSplit<>(modulo(2));
    List<List<Pair<Integer, String>>> parts = new ArrayList<>(List.of(records(0, 50)));
    WeakReference<String> value = new WeakReference<>(parts.get(0).get(3).value());
    split.load(source(parts), pool, "test");
    parts.clear(); // the split is now the only holder of the records

    split.release(0);
    split.release(1);

    assertEquals(0, split.recordsFor(0) + split.recordsFor(1));
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      System.gc();
      return value.get() == null;
    });
  }
}
