package io.uji.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.streaming.Dataset;
import io.uji.streaming.Durations;
import io.uji.streaming.Pair;
import io.uji.streaming.SqlLimits;
import io.uji.streaming.SqlQueryException;
import io.uji.streaming.SqlQueryException.Reason;
import io.uji.streaming.SqlResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a query from the status page's SQL box or {@code ssc.sql} can do to the service: nothing
 * but read. Each hostile query is refused (or stopped) with a reason, and the tables are intact
 * afterwards.
 */
class HostileQueriesTest {
  private static DuckDbSqlEngine engine;

  @BeforeAll
  static void open() {
    engine = new DuckDbSqlEngine(new SqlLimits(Durations.seconds(2), 100, 64L << 20, 1), List.of());
    List<Pair<String, Long>> counts = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      counts.add(Pair.of("user-" + i, (long) i));
    }
    engine.registerTable("counts", Dataset.parallelize(counts, 2));
  }

  @AfterAll
  static void close() {
    engine.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "create table t (x int)",
      "drop table counts",
      "insert into counts values ('x', 1)",
      "delete from counts",
      "update counts set value = 0",
      "select 1; drop table counts",
      "copy counts to '/tmp/uji-sql-escape.csv'",
      "export database '/tmp/uji-sql-escape'",
      "attach '/tmp/uji-sql-escape.db' as x",
      "install httpfs",
      "load httpfs",
      "set memory_limit = '10GB'",
      "reset lock_configuration",
      "pragma threads = 8",
      "call pragma_version()"})
  void statementsOtherThanOneSelectAreRefused(String hostile) {
    SqlQueryException e = assertThrows(SqlQueryException.class, () -> engine.query(hostile));
    assertEquals(Reason.REFUSED, e.reason(), e.getMessage());
    assertEquals(1000L, engine.query("select count(*) from counts").rows().get(0).get(0), "the table is intact");
    assertFalse(Files.exists(Path.of("/tmp/uji-sql-escape.csv")));
    assertFalse(Files.exists(Path.of("/tmp/uji-sql-escape.db")));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "select * from read_csv('/etc/passwd')",
      "select * from read_text('/etc/hostname')",
      "select * from glob('/etc/*')",
      "select * from read_csv('http://127.0.0.1:9/x.csv')",
      "select current_setting('memory_limit') from (select set_config('memory_limit', '10GB', false))"})
  void selectsThatReachFilesTheNetworkOrSettingsFail(String hostile) {
    SqlQueryException e = assertThrows(SqlQueryException.class, () -> engine.query(hostile));
    assertTrue(e.reason() == Reason.REFUSED || e.reason() == Reason.FAILED, e.reason() + ": " + e.getMessage());
  }

  @Test
  void aQueryRunningPastItsTimeoutIsStopped() {
    SqlQueryException e = assertThrows(SqlQueryException.class,
        () -> engine.query("select count(*) from range(100000000000) t(i) where i % 7 = 3"));
    assertEquals(Reason.TIMED_OUT, e.reason(), e.getMessage());
    assertEquals(1000L, engine.query("select count(*) from counts").rows().get(0).get(0), "still usable");
  }

  @Test
  void aResultIsCutAtTheRowLimitAndSaysSo() {
    SqlResult r = engine.query("select * from range(1000000)");
    assertEquals(100, r.rows().size());
    assertTrue(r.truncated());
    SqlResult small = engine.query("select * from range(100)");
    assertEquals(100, small.rows().size());
    assertFalse(small.truncated());
  }

  @Test
  void aQueryNeedingMoreThanTheMemoryLimitFailsInsideDuckDbAndSpillsNothing() {
    SqlQueryException e = assertThrows(SqlQueryException.class,
        () -> engine.query("select string_agg(repeat('x', 100) || i::varchar, ',') from range(3000000) t(i)"));
    assertTrue(e.getMessage().toLowerCase().contains("memory"), e.getMessage());
    assertFalse(Files.exists(Path.of(".tmp")), "nothing spilled into the working directory");
  }
}
