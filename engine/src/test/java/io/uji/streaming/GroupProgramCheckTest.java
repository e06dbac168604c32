package io.uji.streaming;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.engine.cluster.ClusterAccess;
import io.uji.engine.runtime.GroupProgramCheck;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every refusal of docs/design/scale-out.md 2.4, each naming the operator or input and what to do. */
class GroupProgramCheckTest {
  private static final String APP = "session-count";
  private final StreamingContext ssc = new StreamingContext(StreamingConfig.defaults(), Durations.milliseconds(1000));
  private final PairDStream<String, Long> keyed = ClusterAccess.keyedStream(ssc, new MemoryKeyedSource("events", 6));

  @AfterEach
  void stop() {
    ssc.stop(false);
  }

  private static MapWithStateDStream<String, Long, Long, Long> count(PairDStream<String, Long> in) {
    return in.mapWithState(StateSpec.function((String k, Optional<Long> v, State<Long> s) -> {
      s.update(s.getOption().orElse(0L) + v.orElse(0L));
      return s.get();
    }));
  }

  private String refusal() {
    return assertThrows(StreamingException.class, () -> GroupProgramCheck.check(ssc.graph(), APP)).getMessage();
  }

  private static void assertContains(String message, String... parts) {
    for (String p : parts) {
      assertTrue(message.contains(p), () -> "'" + p + "' not in: " + message);
    }
  }

  @Test
  void aKeyedProgramThatKeepsItsKeysIsAccepted() {
    count(keyed.mapValues(v -> 1L).filter(kv -> true).reduceByKey(Long::sum)).name("counts").foreachBatch(d -> {});
    keyed.updateStateByKey((List<Long> vs, Optional<Long> s) -> Optional.of(s.orElse(0L) + vs.size()))
        .name("totals.v2_x-1");
    assertDoesNotThrow(() -> GroupProgramCheck.check(ssc.graph(), APP));
  }

  @Test
  void reKeyedStateIsRefusedNamingTheOperatorItsLineAndWhatToDo() {
    count(keyed.mapToPair(kv -> Pair.of(kv.key().toUpperCase(), kv.value()))).name("counts");
    assertContains(refusal(), "mapWithState 'counts'", "GroupProgramCheckTest", "keyed differently from its input"
        + " 'events'", "group.keyedStream", "mapValues/flatMapValues/filter/reduceByKey", "group.sink");
  }

  @Test
  void stateOfAShuffledOrJoinedStreamIsRefused() {
    count(keyed.repartition(4)).name("counts");
    assertContains(refusal(), "mapWithState 'counts'", "keyed differently");
  }

  @Test
  void anUnnamedStatefulOperatorIsRefused() {
    count(keyed);
    assertContains(refusal(), "mapWithState", "has no name", "changelog topic", ".name(...)");
  }

  @Test
  void aFormerNameIsRefused() {
    count(keyed).name("counts").formerly("sessions");
    assertContains(refusal(), "'counts'", "formerly [sessions]", "cannot be renamed");
  }

  @Test
  void aNameKafkaCannotUseForATopicIsRefused() {
    String message = assertThrows(StreamingException.class, () -> {
      count(keyed).name("counts");
      GroupProgramCheck.check(ssc.graph(), "app id with spaces");
    }).getMessage();
    assertContains(message, "'app id with spaces-counts-changelog'", "a-z, A-Z, 0-9");
  }

  @Test
  void aChangelogNameOverKafkasLimitIsRefused() {
    count(keyed).name("c".repeat(230));
    assertContains(refusal(), "characters long, over Kafka's 249", "shorter");
  }

  @Test
  void anotherInputIsRefused() {
    TestInputs.queue(ssc, List.of(List.of("x"))).foreachBatch(d -> {});
    assertContains(refusal(), "cannot be read in a group", "group.keyedStream");
  }

  @Test
  void twoGroupsKeyedStreamsAreRefused() {
    ClusterAccess.keyedStream(ssc, new MemoryKeyedSource("clicks", 6)).foreachBatch(d -> {});
    assertContains(refusal(), "two groups' keyed streams", "events", "clicks");
  }

  @Test
  void windowsAreRefused() {
    keyed.window(Durations.milliseconds(3000)).foreachBatch(d -> {});
    assertContains(refusal(), "window operator", "mapWithState");
  }

  @Test
  void reduceByKeyAndWindowIsRefused() {
    keyed.reduceByKeyAndWindow(Long::sum, (a, b) -> a - b, Durations.milliseconds(3000), Durations.milliseconds(1000))
        .foreachBatch(d -> {});
    assertContains(refusal(), "window operator");
  }

  @Test
  void anInitialStateIsRefused() {
    keyed.mapWithState(StateSpec.function((String k, Optional<Long> v, State<Long> s) -> 0L)
        .initialState(Dataset.of(List.of(List.of(Pair.of("a", 1L)))))).name("counts");
    assertContains(refusal(), "'counts'", "initial state", "input topic");
  }
}
