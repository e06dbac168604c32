package io.uji.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.streaming.CountingJob.Variant;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Declared key and state types across restarts: a changed type is refused at start, naming the
 * operator; adding or removing a declaration reads the stored state as it was written.
 */
class StateTypesRestartTest {
  @TempDir
  Path tmp;

  private CountingJob job() {
    return new CountingJob(tmp.resolve("ckpt"));
  }

  @Test
  void updateStateByKeyWithAChangedDeclaredStateTypeIsRefusedAtStart() {
    CountingJob job = job().start(new Variant().typed(false, true)).run(5);
    job.stop(false);
    StreamingContext changed = StreamingContext.getOrCreate(job.dir.toString(), () -> {
      StreamingContext c = new StreamingContext(StreamingConfig.defaults().withClock(job.clock),
          Durations.milliseconds(CountingJob.INTERVAL));
      PairDStream<String, Long> ones = c.generatorStream(new GeneratorSpec<>(CountingJob::user, 0, 10, 200))
          .mapToPair(u -> Pair.of(u, 1L));
      ones.mapWithState(StateSpec.function((String u, Optional<Long> one, State<Long> s) -> 1L).name("counts")).print();
      ones.updateStateByKey((List<Long> vs, Optional<Integer> s) -> Optional.of(s.orElse(0) + vs.size()))
          .name("totals").types(String.class, Integer.class).print();
      return c;
    });
    StreamingException e = assertThrows(StreamingException.class, changed::start);
    assertTrue(e.getMessage().contains("updateStateByKey 'totals'") && e.getMessage().contains("java.lang.Integer")
        && e.getMessage().contains("java.lang.Long"), e.getMessage());
  }

  @Test
  void removingTheDeclaredTypesStillReadsTheStateWrittenWithThem() {
    CountingJob job = job().start(new Variant().typed(true, true)).run(5);
    job.stop(false);
    job.start(new Variant().typed(false, false)).runToTheEnd();
    job.stop(false);
    assertEquals(CountingJob.expected(), new java.util.TreeMap<>(job.counts));
    assertEquals(CountingJob.expected(), new java.util.TreeMap<>(job.totals));
  }

  @Test
  void declaringTypesLaterStillReadsTheStateWrittenWithout() {
    CountingJob job = job().start(new Variant()).run(5);
    job.stop(false);
    job.start(new Variant().typed(true, true)).run(3);
    job.stop(false);
    job.start(new Variant().typed(false, false)).runToTheEnd();
    job.stop(false);
    assertEquals(CountingJob.expected(), new java.util.TreeMap<>(job.counts));
    assertEquals(CountingJob.expected(), new java.util.TreeMap<>(job.totals));
  }

  @Test
  void aStateOfAnotherClassThanDeclaredFailsTheBatchNamingTheOperator() {
    Harness h = Harness.create();
    try {
      PairDStream<String, Long> ones = TestInputs.queue(h.ssc, List.of(List.of("a"))).mapToPair(w -> Pair.of(w, 1L));
      @SuppressWarnings({"unchecked", "rawtypes"})
      Class<Long> declared = (Class) Integer.class;
      ones.updateStateByKey((List<Long> vs, Optional<Long> s) -> Optional.of(1L)).name("totals")
          .types(String.class, declared).print();
      h.start();
      String failure = h.runUntilFailure();
      assertTrue(failure.contains("updateStateByKey 'totals'") && failure.contains("declared state type"), failure);
    } finally {
      h.close();
    }
  }
}
