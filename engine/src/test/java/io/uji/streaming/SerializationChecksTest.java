package io.uji.streaming;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.streaming.Harness.Collector;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A state or received record that could not be checkpointed is refused the first time an operator
 * sees it, with or without a checkpoint directory, with advice in the API users have.
 */
class SerializationChecksTest {
  private Harness h = Harness.create();

  @AfterEach
  void stop() {
    h.close();
  }

  /** A user's state class that nobody registered. */
  static final class Session {
    final long clicks;

    Session(long clicks) {
      this.clicks = clicks;
    }
  }

  /** A user's record class, registered in one test. */
  record Click(String user) {}

  private PairDStream<String, Integer> words() {
    return TestInputs.queue(h.ssc, List.of(List.of("a", "b"), List.of("a"), List.of("c"))).mapToPair(w -> Pair.of(w, 1));
  }

  private static void assertNamesTheRemedy(String failure, String operator, Class<?> unregistered) {
    assertTrue(failure.contains(operator), failure);
    assertTrue(failure.contains(unregistered.getName()), failure);
    String source = unregistered.getName().replace('$', '.');
    assertTrue(failure.contains("StreamingConfig.builder().kryoRegistration(" + source + ".class, id)"), failure);
    assertTrue(failure.contains("withKryoRegistration(" + source + ".class, id)"), failure);
    assertFalse(failure.contains("KryoRegistry"), "names an internal API: " + failure);
  }

  @Test
  void anUnregisteredUpdateStateByKeyStateFailsTheFirstBatchWithoutACheckpointDirectory() {
    words().updateStateByKey((List<Integer> vs, Optional<Session> s) -> Optional.of(new Session(vs.size())))
        .name("totals").print();
    h.start();
    assertNamesTheRemedy(h.runUntilFailure(), "The state of updateStateByKey 'totals'", Session.class);
    assertTrue(h.completed.values().stream().allMatch(b -> b.failureReason().isPresent()), "no batch succeeded");
  }

  @Test
  void anUnregisteredMapWithStateStateFailsTheFirstBatch() {
    words().mapWithState(StateSpec.function((String k, Optional<Integer> v, State<Session> s) -> {
      s.update(new Session(1));
      return k;
    }).name("sessions")).print();
    h.start();
    assertNamesTheRemedy(h.runUntilFailure(), "The state of mapWithState 'sessions'", Session.class);
  }

  @Test
  void anUnregisteredKeyFailsTheFirstBatch() {
    words().mapToPair(kv -> Pair.of(new Click(kv.key()), kv.value()))
        .updateStateByKey((List<Integer> vs, Optional<Integer> s) -> Optional.of(s.orElse(0) + vs.size()))
        .name("byClick").print();
    h.start();
    assertNamesTheRemedy(h.runUntilFailure(), "The keys of updateStateByKey 'byClick'", Click.class);
  }

  @Test
  void anUnregisteredClassInsideAListStateFailsTheBatchThatFirstHoldsIt() {
    List<List<String>> input = List.of(List.of("a"), List.of("a"), List.of("x"));
    PairDStream<String, String> in = TestInputs.queue(h.ssc, input).mapToPair(w -> Pair.of("k", w));
    in.updateStateByKey((List<String> vs, Optional<List<Object>> s) -> {
      List<Object> l = new ArrayList<>(s.orElse(List.of()));
      for (String v : vs) {
        if (v.equals("x")) {
          l.add(new Session(1));
        }
      }
      return Optional.of(l);
    }).name("lists").print();
    h.start();
    h.runBatches(2);
    String failure = h.runUntilFailure();
    assertTrue(failure.startsWith(h.batchTime(2) + " ms: "), failure);
    assertNamesTheRemedy(failure, "The state of updateStateByKey 'lists'", Session.class);
  }

  @Test
  void aRegisteredStateClassRunsEveryBatch() {
    h.close();
    h = new Harness(0, Harness.config().withKryoRegistration(Click.class, 100));
    Collector<Pair<String, Click>> c = Collector.on(words()
        .updateStateByKey((List<Integer> vs, Optional<Click> s) -> Optional.of(new Click("n" + vs.size()))));
    h.start();
    h.runBatches(3);
    assertTrue(h.failures.isEmpty(), h.failures.toString());
    assertTrue(c.at(h.batchTime(2)).contains(Pair.of("c", new Click("n1"))));
  }

  @Test
  void aReceiverStoringAnUnregisteredClassIsRefusedWithoutACheckpointDirectory() {
    AtomicReference<RuntimeException> refused = new AtomicReference<>();
    Receiver<Object> r = new Receiver<>() {
      @Override
      public void onStart() {
        Thread t = new Thread(() -> {
          try {
            store(List.of("fine", new Session(3)));
          } catch (RuntimeException e) {
            refused.set(e);
          }
        });
        t.setDaemon(true);
        t.start();
      }

      @Override
      public void onStop() {}

      @Override
      public String name() {
        return "clicks";
      }
    };
    h.ssc.receiverStream(r).print();
    h.start();
    await().atMost(Harness.WAIT).until(() -> refused.get() != null);
    assertInstanceOf(StreamingException.class, refused.get());
    assertNamesTheRemedy(refused.get().getMessage(), "The records of receiver 'clicks'", Session.class);
  }
}
