package io.uji.streaming;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.uji.engine.cluster.ClusterAccess;
import io.uji.engine.cluster.InputRange;
import io.uji.engine.input.KeyedReplayableInputNode;
import io.uji.engine.lineage.PartitionRanges;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The keyed input of a group: P dataset partitions, partition g the records of group g's source
 * partitions (one per co-partitioned topic); only started partitions take input, from the
 * positions given, until forgotten; ranges bounded as a replayable source's.
 */
class KeyedReplayableInputTest {
  private static final long INTERVAL = 1000;
  private final ManualClock clock = new ManualClock(0);
  private final StreamingContext ssc = new StreamingContext(
      StreamingConfig.defaults().withClock(clock).withWorkerThreads(2), Durations.milliseconds(INTERVAL));
  private final Map<Long, List<List<Pair<String, Long>>>> batches = new ConcurrentHashMap<>();
  private long last;

  @AfterEach
  void stop() {
    ssc.stop(false);
  }

  private KeyedReplayableInputNode<?> program(MemoryKeyedSource source) {
    PairDStream<String, Long> keyed = ClusterAccess.keyedStream(ssc, source);
    keyed.foreachBatch((d, t) -> batches.put(t.milliseconds(), d.partitions()));
    return (KeyedReplayableInputNode<?>) keyed.node;
  }

  private List<List<Pair<String, Long>>> nextBatch() {
    long t = last + INTERVAL;
    clock.setTime(t);
    await().atMost(java.time.Duration.ofSeconds(60)).until(() -> batches.containsKey(t));
    last = t;
    return batches.get(t);
  }

  private static List<Long> values(List<Pair<String, Long>> partition) {
    List<Long> out = new ArrayList<>();
    partition.forEach(kv -> out.add(kv.value()));
    return out;
  }

  @Test
  void onlyStartedPartitionsTakeInputFromThePositionsGiven() {
    MemoryKeyedSource source = new MemoryKeyedSource("events", 3);
    for (long v = 0; v < 4; v++) {
      source.append(0, "k", v);
      source.append(1, "k", 10 + v);
      source.append(2, "k", 20 + v);
    }
    KeyedReplayableInputNode<?> input = program(source);
    input.start(0, Map.of("events-0", 1L));
    input.start(2, Map.of());
    ssc.start();
    List<List<Pair<String, Long>>> b = nextBatch();
    assertEquals(3, b.size());
    assertEquals(List.of(1L, 2L, 3L), values(b.get(0)));
    assertEquals(List.of(), values(b.get(1)));
    assertEquals(List.of(20L, 21L, 22L, 23L), values(b.get(2)));
    assertEquals(Set.of(0, 2), input.running());
  }

  @Test
  void aForgottenPartitionTakesNothingMoreAndAStartedOneJoinsAtTheNextBatch() {
    MemoryKeyedSource source = new MemoryKeyedSource("events", 2);
    KeyedReplayableInputNode<?> input = program(source);
    input.start(0, Map.of());
    ssc.start();
    source.append(0, "a", 1);
    source.append(1, "b", 2);
    assertEquals(List.of(List.of(Pair.of("a", 1L)), List.of()), nextBatch());
    input.forget(Set.of(0));
    input.start(1, Map.of());
    source.append(0, "a", 3);
    assertEquals(List.of(List.of(), List.of(Pair.of("b", 2L))), nextBatch());
    assertEquals(Set.of(1), input.running());
  }

  @Test
  void coPartitionedTopicsFillTheSamePartition() {
    MemoryKeyedSource source = new MemoryKeyedSource("orders+payments", 2, "orders", "payments");
    source.append("orders", 1, "o", 1);
    source.append("payments", 1, "o", 2);
    source.append("payments", 0, "p", 3);
    KeyedReplayableInputNode<?> input = program(source);
    input.start(0, Map.of());
    input.start(1, Map.of());
    ssc.start();
    List<List<Pair<String, Long>>> b = nextBatch();
    assertEquals(List.of(3L), values(b.get(0)));
    assertEquals(List.of(1L, 2L), values(b.get(1)));
  }

  @Test
  void theRateLimitBoundsEveryPartitionsRange() {
    MemoryKeyedSource source = new MemoryKeyedSource("events", 2);
    source.maxRate = 2;
    for (long v = 0; v < 5; v++) {
      source.append(0, "a", v);
      source.append(1, "b", v);
    }
    KeyedReplayableInputNode<?> input = program(source);
    input.start(0, Map.of());
    input.start(1, Map.of());
    ssc.start();
    assertEquals(List.of(List.of(0L, 1L), List.of(0L, 1L)), nextBatch().stream().map(p -> values(p)).toList());
    assertEquals(List.of(List.of(2L, 3L), List.of(2L, 3L)), nextBatch().stream().map(p -> values(p)).toList());
    assertEquals(List.of(List.of(4L), List.of(4L)), nextBatch().stream().map(p -> values(p)).toList());
  }

  @Test
  void anUnavailableSourceMakesEmptyBatchesAndLosesNothing() {
    MemoryKeyedSource source = new MemoryKeyedSource("events", 1);
    source.append(0, "a", 1);
    KeyedReplayableInputNode<?> input = program(source);
    input.start(0, Map.of());
    source.unavailable.set(true);
    ssc.start();
    assertEquals(List.of(List.of()), nextBatch());
    source.unavailable.set(false);
    assertEquals(List.of(List.of(Pair.of("a", 1L))), nextBatch());
  }

  @Test
  void rangesNameTheirKeyGroups() {
    MemoryKeyedSource source = new MemoryKeyedSource("events", 3);
    KeyedReplayableInputNode<?> input = program(source);
    input.start(2, Map.of("events-2", 5L));
    assertEquals(List.of(new InputRange("events-2", 2, 5, 7)),
        input.inputRanges(new PartitionRanges(List.of(new PartitionRanges.Range("events-2", 5, 7)))));
    assertThrows(IllegalStateException.class,
        () -> input.inputRanges(new PartitionRanges(List.of(new PartitionRanges.Range("events-1", 0, 1)))));
  }

  @Test
  void aPartitionStartsOnceAndOnlyWithinTheInput() {
    KeyedReplayableInputNode<?> input = program(new MemoryKeyedSource("events", 3));
    input.start(1, Map.of());
    assertThrows(IllegalStateException.class, () -> input.start(1, Map.of()));
    assertThrows(IllegalArgumentException.class, () -> input.start(3, Map.of()));
    assertThrows(IllegalArgumentException.class, () -> input.start(-1, Map.of()));
  }
}
