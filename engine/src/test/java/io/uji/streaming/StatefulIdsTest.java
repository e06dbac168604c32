package io.uji.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.engine.graph.StatefulNode;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StatefulIdsTest {
  private final StreamingContext ssc = new StreamingContext(
      StreamingConfig.builder().clock(new ManualClock()).build(), Durations.seconds(1));
  private final PairDStream<String, Long> ones = ssc.queueStream(new ArrayDeque<List<String>>(), true)
      .mapToPair(s -> Pair.of(s, 1L));

  @AfterEach
  void stop() {
    ssc.stop(false);
  }

  private static StateSpec<String, Long, Long, Long> spec() {
    return StateSpec.function((String k, Optional<Long> v, State<Long> s) -> 1L);
  }

  private static String stateId(DStream<?> stream) {
    return ((StatefulNode) stream.node).stateId();
  }

  @Test
  void aNameEqualToALaterOperatorsDerivedIdIsRefusedAtStart() {
    MapWithStateDStream<String, Long, Long, Long> first = ones.mapWithState(spec());
    // Named after the id the next operator will derive for itself (ids follow creation order).
    String taken = "mapWithState-" + (first.node.id() + 1);
    first.name(taken);
    first.print();
    MapWithStateDStream<String, Long, Long, Long> second = ones.mapWithState(spec());
    second.print();
    assertEquals(taken, stateId(second));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, ssc::start);
    assertTrue(e.getMessage().contains(taken), e.getMessage());
  }

  @Test
  void renamingToAnotherOperatorsIdIsRefusedAtOnce() {
    ones.mapWithState(spec()).name("sessions");
    MapWithStateDStream<String, Long, Long, Long> other = ones.mapWithState(spec());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> other.name("sessions"));
    assertTrue(e.getMessage().contains("'sessions'"), e.getMessage());
  }

  @Test
  void aSpecNamedLikeAnExistingOperatorIsRefused() {
    ones.updateStateByKey((List<Long> vs, Optional<Long> s) -> s).name("totals");
    assertThrows(IllegalArgumentException.class, () -> ones.mapWithState(spec().name("totals")));
  }

  @Test
  void theFormerIdOfARenamedOperatorIsFreeAgain() {
    MapWithStateDStream<String, Long, Long, Long> first = ones.mapWithState(spec());
    String derived = stateId(first);
    first.name("sessions");
    MapWithStateDStream<String, Long, Long, Long> second = ones.mapWithState(spec().name(derived));
    first.print();
    second.print();
    ssc.start();
    assertEquals(derived, stateId(second));
  }

  @Test
  void aDerivedIdEqualToAnEarlierNameMayStillBeRenamed() {
    MapWithStateDStream<String, Long, Long, Long> first = ones.mapWithState(spec());
    first.name("mapWithState-" + (first.node.id() + 1));
    MapWithStateDStream<String, Long, Long, Long> second = ones.mapWithState(spec());
    second.name("second");
    first.print();
    second.print();
    ssc.start();
    assertEquals("second", stateId(second));
  }

  @Test
  void renamingAfterStartIsRefused() {
    MapWithStateDStream<String, Long, Long, Long> sessions = ones.mapWithState(spec());
    sessions.print();
    ssc.start();
    assertThrows(IllegalStateException.class, () -> sessions.name("late"));
  }

  @Test
  void aNameThatCollidesWithAStoreColumnFamilyIsRefusedNamingTheRule() {
    MapWithStateDStream<String, Long, Long, Long> op = ones.mapWithState(spec());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> op.name("sessions.timeouts"));
    assertTrue(e.getMessage().contains("stateful operator 'sessions.timeouts'"), e.getMessage());
    assertTrue(e.getMessage().contains("must not end with '.timeouts'"), e.getMessage());
  }
}
