package io.uji.streaming;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.engine.cluster.ClusterAccess;
import io.uji.engine.graph.Placement;
import io.uji.engine.input.KeyedReplayableInputNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Placement by origin through a program (docs/design/scale-out.md 2.2): the keyed stream of a
 * group is placed by origin, the operators that cannot move a key keep it, all others lose it;
 * and at run time the records really stay in the partition they were read from.
 */
class PlacementTest {
  private static final long INTERVAL = 1000;
  private final ManualClock clock = new ManualClock(0);
  private final StreamingContext ssc = new StreamingContext(
      StreamingConfig.defaults().withClock(clock).withWorkerThreads(2), Durations.milliseconds(INTERVAL));
  private final MemoryKeyedSource source = new MemoryKeyedSource("events", 3);
  private final PairDStream<String, Long> keyed = ClusterAccess.keyedStream(ssc, source);

  @AfterEach
  void stop() {
    ssc.stop(false);
  }

  private static Placement placement(DStream<?> s) {
    return s.node.placement();
  }

  @Test
  void theKeyedStreamIsPlacedByOriginOverItsPartitions() {
    assertEquals(Placement.byOrigin("events", 3), placement(keyed));
  }

  @Test
  void operatorsThatCannotChangeAKeyKeepThePlacement() {
    Placement byOrigin = placement(keyed);
    assertEquals(byOrigin, placement(keyed.mapValues(v -> v + 1)));
    assertEquals(byOrigin, placement(keyed.flatMapValues(v -> List.of(v, v))));
    assertEquals(byOrigin, placement(keyed.filter(kv -> kv.value() > 0)));
    assertEquals(byOrigin, placement(keyed.reduceByKey(Long::sum)));
    assertEquals(byOrigin, placement(keyed.groupByKey()));
    assertEquals(byOrigin, placement(keyed.mapValues(v -> 1L).reduceByKey(Long::sum).filter(kv -> true)));
  }

  @Test
  void operatorsThatMayChangeAKeyLoseThePlacement() {
    assertEquals(Placement.NONE, placement(keyed.map(kv -> kv)));
    assertEquals(Placement.NONE, placement(keyed.mapToPair(kv -> Pair.of(kv.value(), kv.key()))));
    assertEquals(Placement.NONE, placement(keyed.flatMapToPair(kv -> List.of(kv).iterator())));
    assertEquals(Placement.NONE, placement(keyed.repartition(3)));
    assertEquals(Placement.NONE, placement(keyed.transform(d -> d)));
    assertEquals(Placement.NONE, placement(keyed.mapPartitions(it -> it)));
    assertEquals(Placement.NONE, placement(keyed.window(Durations.milliseconds(2 * INTERVAL))));
  }

  @Test
  void aPlainStreamIsPlacedNowhere() {
    DStream<String> plain = TestInputs.queue(ssc, List.of(List.of("a")));
    assertEquals(Placement.NONE, placement(plain));
    assertEquals(Placement.NONE, placement(plain.mapToPair(w -> Pair.of(w, 1L)).mapValues(v -> v)));
  }

  @Test
  void aUnionKeepsThePlacementOnlyWhenAllItsStreamsHaveIt() {
    PairDStream<String, Long> other = keyed.mapValues(v -> -v);
    assertEquals(placement(keyed), placement(keyed.union(other)));
    assertEquals(placement(keyed), placement(ssc.union(keyed, other)));
    PairDStream<String, Long> plain = TestInputs.queue(ssc, List.<List<String>>of()).mapToPair(w -> Pair.of(w, 1L));
    assertEquals(Placement.NONE, placement(keyed.union(plain)));
  }

  @Test
  void updateStateByKeyAndStateSnapshotsKeepThePlacementButMappedOutputLosesIt() {
    StateDStream<String, Long> totals = keyed.updateStateByKey(
        (List<Long> vs, Optional<Long> s) -> Optional.of(s.orElse(0L) + vs.size()));
    assertEquals(placement(keyed), placement(totals));
    MapWithStateDStream<String, Long, Long, Long> counts = keyed.mapWithState(
        StateSpec.function((String k, Optional<Long> v, State<Long> s) -> {
          s.update(s.getOption().orElse(0L) + 1);
          return s.get();
        }));
    assertEquals(placement(keyed), placement(counts.stateSnapshots()));
    assertEquals(Placement.NONE, placement(counts));
  }

  @Test
  void recordsStayInThePartitionTheyWereReadFromThroughReduceUnionAndState() {
    // Keys repeat across partitions on purpose: placed by origin, "a" of partition 0 and "a" of
    // partition 2 are combined and counted apart (in a group a producer never does that).
    source.append(0, "a", 1);
    source.append(0, "b", 1);
    source.append(0, "a", 1);
    source.append(1, "a", 5); // partition 1 is not run here: never read
    source.append(2, "a", 1);
    source.append(2, "c", 1);
    KeyedReplayableInputNode<?> input = (KeyedReplayableInputNode<?>) keyed.node;
    input.start(0, Map.of());
    input.start(2, Map.of());
    Map<Long, List<List<Pair<String, Long>>>> reduced = new ConcurrentHashMap<>();
    Map<Long, List<List<Pair<String, Long>>>> unioned = new ConcurrentHashMap<>();
    Map<Long, List<List<Pair<String, Long>>>> state = new ConcurrentHashMap<>();
    PairDStream<String, Long> sums = keyed.reduceByKey(Long::sum);
    sums.foreachBatch((d, t) -> reduced.put(t.milliseconds(), sorted(d.partitions())));
    sums.union(keyed.mapValues(v -> 10 * v)).foreachBatch((d, t) -> unioned.put(t.milliseconds(), d.partitions()));
    keyed.updateStateByKey((List<Long> vs, Optional<Long> s) -> Optional.of(s.orElse(0L) + vs.size()))
        .foreachBatch((d, t) -> state.put(t.milliseconds(), sorted(d.partitions())));
    ssc.start();
    clock.setTime(INTERVAL);
    await().atMost(java.time.Duration.ofSeconds(60)).until(() -> state.containsKey(INTERVAL));
    assertEquals(List.of(List.of(Pair.of("a", 2L), Pair.of("b", 1L)), List.of(),
        List.of(Pair.of("a", 1L), Pair.of("c", 1L))), reduced.get(INTERVAL));
    assertEquals(List.of(List.of(Pair.of("a", 2L), Pair.of("b", 1L)), List.of(),
        List.of(Pair.of("a", 1L), Pair.of("c", 1L))), state.get(INTERVAL));
    List<List<Pair<String, Long>>> u = unioned.get(INTERVAL);
    assertEquals(3, u.size());
    assertEquals(5, u.get(0).size()); // 2 sums + 3 records
    assertTrue(u.get(1).isEmpty());
    assertEquals(4, u.get(2).size());
    assertEquals(Set.of(0, 2), input.running());
  }

  private static List<List<Pair<String, Long>>> sorted(List<List<Pair<String, Long>>> parts) {
    List<List<Pair<String, Long>>> out = new ArrayList<>();
    for (List<Pair<String, Long>> p : parts) {
      Map<String, Long> m = new TreeMap<>();
      p.forEach(kv -> m.put(kv.key(), kv.value()));
      List<Pair<String, Long>> l = new ArrayList<>();
      m.forEach((k, v) -> l.add(Pair.of(k, v)));
      out.add(l);
    }
    return out;
  }
}
