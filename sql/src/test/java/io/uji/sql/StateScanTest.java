package io.uji.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.uji.streaming.Dataset;
import io.uji.streaming.KeyedState;
import io.uji.streaming.Pair;
import io.uji.streaming.SqlLimits;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A state table is a view over a scan of the keyed state: every query opens one scan and closes
 * it (releasing the state's snapshot), also when it reads only part of it.
 */
class StateScanTest {
  /** A state of 10,000 keys that counts the scans it opened and closed. */
  static final class CountingState implements KeyedState<String, Long> {
    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();

    @Override
    public String name() {
      return "counts";
    }

    @Override
    public Class<?> keyType() {
      return String.class;
    }

    @Override
    public Class<?> stateType() {
      return Long.class;
    }

    @Override
    public Optional<Long> get(String key) {
      return Optional.empty();
    }

    @Override
    public io.uji.streaming.KeyLocation locate(String key) {
      return new io.uji.streaming.KeyLocation(0, true, false, Optional.empty(), java.util.List.of());
    }

    @Override
    public Stream<Pair<String, Long>> scan() {
      opened.incrementAndGet();
      return LongStream.range(0, 10_000).mapToObj(i -> Pair.of("k" + i, i)).onClose(closed::incrementAndGet);
    }

    @Override
    public long approximateCount() {
      return 10_000;
    }
  }

  @Test
  void everyQueryClosesTheScanItOpened() {
    CountingState state = new CountingState();
    try (DuckDbSqlEngine engine = new DuckDbSqlEngine(SqlLimits.defaults(), List.of(state))) {
      assertEquals(List.of(List.of(10_000L, 49_995_000L)),
          engine.query("select count(*), sum(value) from counts").rows());
      assertEquals(1, engine.query("select key from counts limit 1").rows().size());
      assertEquals(List.of(List.of("k42", 42L)), engine.query("select * from counts where key = 'k42'").rows());
      assertEquals(3, state.opened.get());
      assertEquals(state.opened.get(), state.closed.get(), "every scan closed");
    }
  }

  @Test
  void aBatchCannotTakeTheNameOfAStatesTable() {
    try (DuckDbSqlEngine engine = new DuckDbSqlEngine(SqlLimits.defaults(), List.of(new CountingState()))) {
      assertThrows(IllegalArgumentException.class,
          () -> engine.registerTable("counts", Dataset.of(List.of(List.of("x")))));
    }
  }
}
