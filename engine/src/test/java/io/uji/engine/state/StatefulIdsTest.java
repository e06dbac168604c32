package io.uji.engine.state;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.streaming.Durations;
import io.uji.streaming.ManualClock;
import io.uji.streaming.MapWithStateDStream;
import io.uji.streaming.Pair;
import io.uji.streaming.PairDStream;
import io.uji.streaming.StateSpec;
import io.uji.streaming.StreamingConfig;
import io.uji.streaming.StreamingContext;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatefulIdsTest {
  @Test
  void aNameEqualToALaterOperatorsDerivedIdIsRefusedAtStart() {
    StreamingContext ssc = new StreamingContext(StreamingConfig.defaults().withClock(new ManualClock()),
        Durations.seconds(1));
    PairDStream<String, Long> ones = ssc.queueStream(new ArrayDeque<List<String>>(), true)
        .mapToPair(s -> Pair.of(s, 1L));
    StateSpec<String, Long, Long, Long> spec = StateSpec.function((String k, Optional<Long> v, io.uji.streaming.State<Long> s) -> 1L);
    MapWithStateDStream<String, Long, Long, Long> first = ones.mapWithState(spec);
    // Named after the id the next operator will derive for itself (ids follow creation order).
    String taken = "mapWithState-" + (first.node().id() + 1);
    first.name(taken);
    first.print();
    MapWithStateDStream<String, Long, Long, Long> second = ones.mapWithState(
        StateSpec.function((String k, Optional<Long> v, io.uji.streaming.State<Long> s) -> 2L));
    second.print();
    assertTrue(((io.uji.engine.graph.StatefulNode) second.node()).stateId().equals(taken));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, ssc::start);
    assertTrue(e.getMessage().contains(taken), e.getMessage());
    ssc.stop(false);
  }

  @Test
  void aNameThatCollidesWithAStoreColumnFamilyIsRefusedNamingTheRule() {
    StreamingContext ssc = new StreamingContext(StreamingConfig.defaults().withClock(new ManualClock()),
        Durations.seconds(1));
    try {
      MapWithStateDStream<String, Long, Long, Long> op = ssc.queueStream(new ArrayDeque<List<String>>(), true)
          .mapToPair(s -> Pair.of(s, 1L))
          .mapWithState(StateSpec.function((String k, Optional<Long> v, io.uji.streaming.State<Long> s) -> 1L));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> op.name("sessions.timeouts"));
      assertTrue(e.getMessage().contains("stateful operator 'sessions.timeouts'"), e.getMessage());
      assertTrue(e.getMessage().contains("must not end with '.timeouts'"), e.getMessage());
    } finally {
      ssc.stop(false);
    }
  }
}
