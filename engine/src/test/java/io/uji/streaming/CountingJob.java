package io.uji.streaming;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * A counting program on one checkpoint directory, started again and again in this JVM on one
 * {@link ManualClock}, in variants (operator names, declared types, settings): a generator's
 * events {@code i} belong to user {@code "u" + i % USERS}; a mapWithState counts them per user
 * and an updateStateByKey totals them. {@link #counts} and {@link #totals} hold the latest value
 * per user over all runs, so after every event they must equal {@link #expected()} exactly.
 */
final class CountingJob {
  static final long INTERVAL = 1000;
  static final long TOTAL = 200;
  static final int PER_BATCH = 10;
  static final int USERS = 7;

  /**
   * One variant of the program. Defaults: both operators, named "counts" and "totals", untyped; a
   * null name leaves the operator out.
   */
  static final class Variant {
    String countsName = "counts";
    String totalsName = "totals";
    String[] countsFormerly = {};
    String[] totalsFormerly = {};
    boolean countsTyped;
    boolean totalsTyped;
    UnaryOperator<StreamingConfig> config = c -> c;
    int streamsBefore;
    /** The partitions both stateful operators ask for explicitly; 0 takes the default parallelism. */
    int partitions;

    /** Both stateful operators ask for {@code n} partitions (numPartitions / updateStateByKey's n). */
    Variant partitions(int n) {
      partitions = n;
      return this;
    }

    /** Leaves the mapWithState unnamed: its id is derived from its position in the program. */
    Variant countsUnnamed() {
      countsName = "";
      return this;
    }

    /** Adds {@code n} streams before the stateful operators (their derived ids change). */
    Variant streamsBefore(int n) {
      streamsBefore = n;
      return this;
    }

    Variant countsName(String n) {
      countsName = n;
      return this;
    }

    Variant totalsName(String n) {
      totalsName = n;
      return this;
    }

    Variant countsFormerly(String... ids) {
      countsFormerly = ids;
      return this;
    }

    Variant totalsFormerly(String... ids) {
      totalsFormerly = ids;
      return this;
    }

    Variant typed(boolean counts, boolean totals) {
      countsTyped = counts;
      totalsTyped = totals;
      return this;
    }

    Variant config(UnaryOperator<StreamingConfig> c) {
      config = c;
      return this;
    }
  }

  final Path dir;
  final ManualClock clock = new ManualClock(0);
  final Map<String, Long> counts = new ConcurrentHashMap<>();
  final Map<String, Long> totals = new ConcurrentHashMap<>();
  final ConcurrentSkipListSet<Long> completed = new ConcurrentSkipListSet<>();
  /** Every batch of every run, in completion order. */
  final List<BatchInfo> batches = new CopyOnWriteArrayList<>();
  StreamingContext ssc;

  CountingJob(Path dir) {
    this.dir = dir;
  }

  static String user(long i) {
    return "u" + (i % USERS);
  }

  static Map<String, Long> expected() {
    Map<String, Long> m = new TreeMap<>();
    for (long i = 0; i < TOTAL; i++) {
      m.merge(user(i), 1L, Long::sum);
    }
    return m;
  }

  StreamingContext create(Variant v) {
    StreamingConfig cfg = v.config.apply(StreamingConfig.defaults().withClock(clock).withWorkerThreads(2)
        .withDefaultParallelism(2));
    StreamingContext c = new StreamingContext(cfg, Durations.milliseconds(INTERVAL));
    PairDStream<String, Long> ones = c.generatorStream(new GeneratorSpec<>(CountingJob::user, 0, PER_BATCH, TOTAL))
        .mapToPair(u -> Pair.of(u, 1L));
    ones.checkpoint(Durations.milliseconds(2 * INTERVAL));
    for (int i = 0; i < v.streamsBefore; i++) {
      ones.map(Pair::key).print(0); // shifts the derived ids of the stateful operators after it
    }
    if (v.countsName != null) {
      StateSpec<String, Long, Long, Long> spec = StateSpec.function((String u, Optional<Long> one, State<Long> s) -> {
        long n = s.getOption().orElse(0L) + one.orElse(0L);
        s.update(n);
        return n;
      });
      if (v.countsTyped) {
        spec.types(String.class, Long.class);
      }
      if (v.partitions > 0) {
        spec.numPartitions(v.partitions);
      }
      MapWithStateDStream<String, Long, Long, Long> m = ones.mapWithState(spec);
      if (!v.countsName.isEmpty()) {
        m.name(v.countsName);
      }
      if (v.countsFormerly.length > 0) {
        m.formerly(v.countsFormerly);
      }
      m.stateSnapshots().foreachBatch(d -> d.collect().forEach(kv -> counts.put(kv.key(), kv.value())));
    }
    if (v.totalsName != null) {
      BiFunction<List<Long>, Optional<Long>, Optional<Long>> total = (vs, s) -> Optional.of(s.orElse(0L) + vs.size());
      StateDStream<String, Long> t = (v.partitions > 0 ? ones.updateStateByKey(total, v.partitions)
          : ones.updateStateByKey(total)).name(v.totalsName);
      if (v.totalsTyped) {
        t.types(String.class, Long.class);
      }
      if (v.totalsFormerly.length > 0) {
        t.formerly(v.totalsFormerly);
      }
      t.foreachBatch(d -> d.collect().forEach(kv -> totals.put(kv.key(), kv.value())));
    }
    c.addStreamingListener(new StreamingListener() {
      @Override
      public void onBatchCompleted(BatchInfo b) {
        batches.add(b);
        completed.add(b.batchTime().milliseconds());
      }
    });
    return c;
  }

  /** Builds the variant on the directory and starts it (recovering what the directory holds). */
  CountingJob start(Variant v) {
    ssc = StreamingContext.getOrCreate(dir.toString(), () -> create(v));
    ssc.start();
    return this;
  }

  /** Runs {@code n} more batches, one clock step each. */
  CountingJob run(int n) {
    for (int i = 0; i < n; i++) {
      clock.advance(INTERVAL);
      long t = clock.getTimeMillis();
      await().atMost(Harness.WAIT).until(() -> completed.contains(t));
    }
    return this;
  }

  /** Runs batches until every event was counted (and the replays before them). */
  CountingJob runToTheEnd() {
    for (int i = 0; i < 2 * TOTAL / PER_BATCH && sum(totals.isEmpty() ? counts : totals) < TOTAL; i++) {
      run(1);
    }
    return this;
  }

  void stop(boolean gracefully) {
    ssc.stop(gracefully);
  }

  /** @return the batches of every run that were replays, in order */
  List<Long> replayed() {
    List<Long> out = new ArrayList<>();
    for (BatchInfo b : batches) {
      if (b.replay()) {
        out.add(b.batchTime().milliseconds());
      }
    }
    return out;
  }

  private static long sum(Map<String, Long> m) {
    return m.values().stream().mapToLong(Long::longValue).sum();
  }
}
