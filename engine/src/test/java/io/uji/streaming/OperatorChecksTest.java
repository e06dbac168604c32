package io.uji.streaming;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Mistakes in a program caught at once, with the operator named: null keys, windows, slides. */
class OperatorChecksTest {
  private final Harness h = Harness.create();

  @AfterEach
  void stop() {
    h.close();
  }

  /** Word "x" becomes a null key. */
  private static PairDStream<String, Integer> withNullKey(StreamingContext ssc) {
    return TestInputs.queue(ssc, List.of(List.of("a", "x", "b"))).mapToPair(w -> Pair.of(w.equals("x") ? null : w, 1));
  }

  static Stream<Arguments> keyedOperators() {
    Duration w = Durations.milliseconds(Harness.BATCH);
    return Stream.of(
        op("reduceByKey", p -> p.reduceByKey(Integer::sum)),
        op("groupByKey", p -> p.groupByKey()),
        op("combineByKey", p -> p.combineByKey(v -> v, Integer::sum, Integer::sum)),
        op("countByValue", p -> p.keys().countByValue()),
        op("cogroup", p -> p.cogroup(p)),
        op("join", p -> p.join(p)),
        op("leftOuterJoin", p -> p.leftOuterJoin(p)),
        op("rightOuterJoin", p -> p.rightOuterJoin(p)),
        op("fullOuterJoin", p -> p.fullOuterJoin(p)),
        op("reduceByKeyAndWindow", p -> p.reduceByKeyAndWindow(Integer::sum, w)),
        op("reduceByKeyAndWindow", p -> p.reduceByKeyAndWindow(Integer::sum, (a, b) -> a - b, w, w)),
        op("groupByKeyAndWindow", p -> p.groupByKeyAndWindow(w)),
        op("countByValueAndWindow", p -> p.keys().countByValueAndWindow(w, w)),
        op("updateStateByKey 'totals'",
            p -> p.updateStateByKey((List<Integer> vs, Optional<Integer> s) -> Optional.of(vs.size())).name("totals")),
        op("updateStateByKey 'pages'", p -> p.updateStateByKey(
            (Iterator<StateUpdate<String, Integer, Integer>> it) -> List.<Pair<String, Integer>>of().iterator(),
            new HashPartitioner(2), true).name("pages")),
        op("mapWithState 'sessions'", p -> p.mapWithState(
            StateSpec.function((String k, Optional<Integer> v, State<Integer> s) -> k).name("sessions"))));
  }

  private static Arguments op(String name, Function<PairDStream<String, Integer>, DStream<?>> build) {
    return Arguments.of(name, build);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("keyedOperators")
  void aNullKeyFailsTheBatchNamingTheOperator(String operator, Function<PairDStream<String, Integer>, DStream<?>> build) {
    build.apply(withNullKey(h.ssc)).print();
    h.start();
    String failure = h.runUntilFailure();
    assertTrue(failure.contains("NullPointerException: " + operator + ": ") && failure.contains("null key"), failure);
  }

  @Test
  void aWindowShorterThanItsSlideIsRefused() {
    DStream<String> in = TestInputs.queue(h.ssc, List.of(List.of("a")));
    PairDStream<String, Integer> pairs = in.mapToPair(w -> Pair.of(w, 1));
    Duration one = Durations.milliseconds(Harness.BATCH);
    Duration two = one.times(2);
    for (Runnable r : List.<Runnable>of(() -> in.window(one, two), () -> in.countByWindow(one, two),
        () -> in.reduceByWindow(String::concat, one, two), () -> pairs.reduceByKeyAndWindow(Integer::sum, one, two),
        () -> pairs.reduceByKeyAndWindow(Integer::sum, (a, b) -> a - b, one, two), () -> pairs.groupByKeyAndWindow(one, two),
        () -> in.countByValueAndWindow(one, two))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
      assertTrue(e.getMessage().contains("shorter than the slide"), e.getMessage());
    }
  }

  @Test
  void transformWithRefusesStreamsOfDifferentSlidesAsUnionAndCogroupDo() {
    DStream<String> in = TestInputs.queue(h.ssc, List.of(List.of("a")));
    DStream<String> slower = in.window(Durations.seconds(2), Durations.seconds(2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> in.transformWith(slower, (a, b) -> a.union(b)));
    assertTrue(e.getMessage().contains("different slide durations"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> in.union(slower));
    PairDStream<String, Integer> p = in.mapToPair(w -> Pair.of(w, 1));
    assertThrows(IllegalArgumentException.class, () -> p.cogroup(p.window(Durations.seconds(2), Durations.seconds(2))));
  }
}
