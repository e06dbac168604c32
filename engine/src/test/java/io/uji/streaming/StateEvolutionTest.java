package io.uji.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.streaming.CountingJob.Variant;
import java.nio.file.Path;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stateful operators across program versions: renamed with {@code .formerly(...)} they keep their
 * exact state; removed, their state is refused unless dropping it is allowed; added, they start
 * empty; and every refusal gives the advice that fits the program.
 */
class StateEvolutionTest {
  @TempDir
  Path tmp;

  private CountingJob firstRun(Variant v) {
    CountingJob job = new CountingJob(tmp.resolve("ckpt")).start(v).run(5);
    job.stop(false); // batch 5000 is left to replay after checkpoint 4000
    return job;
  }

  private static StreamingException refusedStart(CountingJob job, Variant v) {
    StreamingContext ssc = StreamingContext.getOrCreate(job.dir.toString(), () -> job.create(v));
    return assertThrows(StreamingException.class, ssc::start);
  }

  @Test
  void renamedOperatorsDeclaredWithFormerlyKeepTheirExactState() {
    CountingJob job = firstRun(new Variant());
    job.start(new Variant().countsName("sessions").countsFormerly("earlier", "counts")
        .totalsName("sums").totalsFormerly("totals")).run(3);
    job.stop(false);
    // The state moved: the new names alone are enough from now on.
    job.start(new Variant().countsName("sessions").totalsName("sums")).runToTheEnd();
    job.stop(true);
    assertEquals(CountingJob.expected(), new TreeMap<>(job.counts));
    assertEquals(CountingJob.expected(), new TreeMap<>(job.totals));
  }

  @Test
  void aRenameWithoutFormerlyIsRefusedWithTheFormerlyToWrite() {
    CountingJob job = firstRun(new Variant());
    String msg = refusedStart(job, new Variant().countsName("sessions")).getMessage();
    assertTrue(msg.contains("'counts'") && msg.contains("'sessions'"), msg);
    assertTrue(msg.contains(".name(\"sessions\").formerly(\"counts\")"), msg);
    assertTrue(msg.contains("allowNonRestoredState(true)"), msg);
    assertFalse(msg.contains("stable names"), "the operators are named already: " + msg);
  }

  @Test
  void anUnnamedOperatorWhoseDerivedIdChangedIsToldToName() {
    CountingJob job = firstRun(new Variant().countsUnnamed());
    String msg = refusedStart(job, new Variant().countsUnnamed().streamsBefore(1)).getMessage();
    assertTrue(msg.contains("derived from the operators' positions") && msg.contains(".name(...)"), msg);
  }

  @Test
  void aRemovedOperatorIsRefusedUnlessDroppingItsStateIsAllowed() {
    CountingJob job = firstRun(new Variant());
    String msg = refusedStart(job, new Variant().totalsName(null)).getMessage();
    assertTrue(msg.contains("'totals'") && msg.contains("allowNonRestoredState(true)"), msg);
    job.start(new Variant().totalsName(null).config(c -> c.withAllowNonRestoredState(true))).runToTheEnd();
    job.stop(false);
    assertEquals(CountingJob.expected(), new TreeMap<>(job.counts));
    // The dropped state is gone: 'totals' comes back as a new operator, empty.
    job.totals.clear();
    job.start(new Variant()).run(2);
    job.stop(false);
    assertTrue(job.totals.values().stream().mapToLong(Long::longValue).sum() < CountingJob.TOTAL,
        "a new operator starts empty: " + job.totals);
  }

  @Test
  void anOperatorAddedToTheProgramStartsEmpty() {
    CountingJob job = firstRun(new Variant().totalsName(null));
    job.start(new Variant()).runToTheEnd();
    job.stop(false);
    assertEquals(CountingJob.expected(), new TreeMap<>(job.counts));
    assertTrue(job.totals.values().stream().mapToLong(Long::longValue).sum() < CountingJob.TOTAL,
        "counted from the checkpoint on only: " + job.totals);
  }

  @Test
  void aFormerIdThatIsAnotherOperatorsIdIsRefusedAtStart() {
    CountingJob job = new CountingJob(tmp.resolve("ckpt"));
    StreamingContext ssc = job.create(new Variant().totalsFormerly("counts"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, ssc::start);
    assertTrue(e.getMessage().contains("'counts' is a former id of the stateful operator 'totals'"), e.getMessage());
  }

  @Test
  void twoOperatorsWithTheSameFormerIdAreRefusedAtStart() {
    CountingJob job = new CountingJob(tmp.resolve("ckpt"));
    StreamingContext ssc = job.create(new Variant().countsFormerly("old").totalsFormerly("old"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, ssc::start);
    assertTrue(e.getMessage().contains("both say they were formerly 'old'"), e.getMessage());
  }

  @Test
  void aFormerIdMustNotBeTheOperatorsOwn() {
    StreamingContext ssc = new StreamingContext(Durations.seconds(1));
    PairDStream<String, Long> p = TestInputs.queue(ssc, java.util.List.of(java.util.List.of("a")))
        .mapToPair(w -> Pair.of(w, 1L));
    StateDStream<String, Long> t = p.updateStateByKey(
        (java.util.List<Long> vs, java.util.Optional<Long> s) -> s).name("totals");
    assertThrows(IllegalArgumentException.class, () -> t.formerly("totals"));
    assertThrows(IllegalArgumentException.class, () -> t.formerly("uji.meta"));
  }
}
