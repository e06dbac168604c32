package io.uji.bench;

import io.uji.streaming.KeyedState;
import io.uji.streaming.SqlResult;
import io.uji.streaming.StreamingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Queries a running session count the way a dashboard would: one thread reads random users'
 * state with {@link KeyedState#get} as fast as it can (latency per call into a histogram), and
 * every 2 s runs {@code select count(*), sum(value)} over the whole state through {@code ssc.sql}.
 * Not a test: it prints figures into the RESULT line.
 */
final class QueryLoad {
  private final Thread getter;
  private final Thread sql;
  private final Histogram getLatency = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
  private final List<Long> sqlMillis = new ArrayList<>();
  private volatile boolean stop;
  private volatile String failure;

  private QueryLoad(StreamingContext ssc, String operator, long users) {
    KeyedState<String, Long> state = ssc.keyedState(operator, String.class, Long.class);
    getter = new Thread(() -> {
      SplittableRandom random = new SplittableRandom(42);
      try {
        while (!stop) {
          String user = Gen.record(random.nextLong(users), users);
          long t0 = System.nanoTime();
          state.get(user);
          getLatency.recordValue(Math.min(getLatency.getHighestTrackableValue(), System.nanoTime() - t0));
        }
      } catch (RuntimeException e) {
        if (!stop) {
          failure = "get: " + e;
        }
      }
    }, "bench-get");
    sql = new Thread(() -> {
      try {
        while (!stop) {
          TimeUnit.SECONDS.sleep(2); // a dashboard's refresh, not a wait for a condition
          long t0 = System.nanoTime();
          SqlResult r = ssc.sql("select count(*), sum(value) from \"" + operator + "\"");
          if (r.rows().isEmpty()) {
            throw new IllegalStateException("no row");
          }
          synchronized (sqlMillis) {
            sqlMillis.add((System.nanoTime() - t0) / 1_000_000);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        if (!stop) {
          failure = "sql: " + e;
        }
      }
    }, "bench-sql");
    getter.setDaemon(true);
    sql.setDaemon(true);
  }

  static QueryLoad start(StreamingContext ssc, String operator, long users) {
    QueryLoad q = new QueryLoad(ssc, operator, users);
    q.getter.start();
    q.sql.start();
    return q;
  }

  /** Stops both threads; @return the figures for the RESULT line */
  String stop() throws InterruptedException {
    stop = true;
    sql.interrupt();
    getter.join();
    sql.join();
    long[] sqlSorted;
    synchronized (sqlMillis) {
      sqlSorted = sqlMillis.stream().mapToLong(Long::longValue).sorted().toArray();
    }
    return String.format(Locale.ROOT, "gets=%d get_p50_us=%.1f get_p99_us=%.1f get_max_us=%.1f sql_runs=%d"
            + " sql_agg_median_ms=%s sql_agg_max_ms=%s%s",
        getLatency.getTotalCount(), getLatency.getValueAtPercentile(50) / 1e3,
        getLatency.getValueAtPercentile(99) / 1e3, getLatency.getMaxValue() / 1e3, sqlSorted.length,
        sqlSorted.length == 0 ? "-" : Long.toString(sqlSorted[sqlSorted.length / 2]),
        sqlSorted.length == 0 ? "-" : Long.toString(sqlSorted[sqlSorted.length - 1]),
        failure == null ? "" : " query_failure=" + failure.replace(' ', '_'));
  }
}
