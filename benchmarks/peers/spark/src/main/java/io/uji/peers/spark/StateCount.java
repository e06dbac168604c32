package io.uji.peers.spark;

import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.Optional;
import org.apache.spark.streaming.State;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

/**
 * The per-user count of session-count, as static functions so that Spark's closures capture
 * only plain values (the DStream graph is serialized into every metadata checkpoint).
 */
final class StateCount {
  private StateCount() {}

  /**
   * mapWithState's function: count + 1, emit (user, newCount). A key timing out is counted in
   * {@code timeouts}; the check requires none (the 60 s timeout must not fire during the run).
   */
  static Tuple2<String, Long> countOne(String key, Optional<Long> one, State<Long> state, LongAccumulator timeouts) {
    if (state.isTimingOut()) {
      timeouts.add(1);
      return new Tuple2<>(key, state.get());
    }
    long c = (state.exists() ? state.get() : 0L) + 1L;
    state.update(c);
    return new Tuple2<>(key, c);
  }

  /** updateStateByKey's function: old + sum of the batch's values. */
  static Optional<Long> addAll(List<Long> values, Optional<Long> old) {
    long c = old.isPresent() ? old.get() : 0L;
    for (Long v : values) {
      c += v;
    }
    return Optional.of(c);
  }

  /** @return {sum of the counts, number of users} of a (user, count) RDD */
  static long[] sumAndKeys(JavaPairRDD<String, Long> rdd) {
    return rdd.values().mapPartitions(it -> {
      long s = 0;
      long c = 0;
      while (it.hasNext()) {
        s += it.next();
        c++;
      }
      return List.of(new long[] {s, c}).iterator();
    }).reduce((x, y) -> new long[] {x[0] + y[0], x[1] + y[1]});
  }
}
