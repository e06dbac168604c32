package io.uji.bench;

import io.uji.streaming.DStream;
import io.uji.streaming.Dataset;
import io.uji.streaming.Duration;
import io.uji.streaming.GeneratorSpec;
import io.uji.streaming.Pair;
import io.uji.streaming.StreamingContext;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code session-count} of docs/WORKLOADS.md: a running count per user over the generator's records.
 * How the counts are kept is the {@link Counting} variant; the check is the same for all: the
 * counts add up to N and there is one per distinct user.
 */
final class SessionCountWorkload implements Workload {
  /** One way of keeping the per-user counts. */
  interface Counting {
    /**
     * Defines the counting of {@code events} (user ids).
     *
     * @param checkpoint how often the state is checkpointed, or null (no checkpoint directory)
     */
    void define(DStream<String> events, Duration checkpoint);

    /** @return {sum of all counts, number of users with a count}, read after the run */
    long[] sumAndKeys();
  }

  private final String variant;
  private final long n;
  private final long k;
  private final long b;
  private final Counting counting;

  SessionCountWorkload(String variant, long n, long k, long b) {
    this(variant, n, k, b, null);
  }

  /** @param statePartitions the keyed-state table's partitions, null for the context's default parallelism */
  SessionCountWorkload(String variant, long n, long k, long b, Integer statePartitions) {
    this.variant = variant;
    this.n = n;
    this.k = k;
    this.b = b;
    this.counting = forVariant(variant, n, k, statePartitions);
  }

  /**
   * The variants. {@code inmem} is a placeholder until keyed state lands: it has no state store
   * and no fault tolerance, so its figures are not comparable with the peers' mapWithState or
   * updateStateByKey. Add {@code mapWithState} and {@code update} here.
   */
  static Counting forVariant(String variant, long n, long k) {
    return forVariant(variant, n, k, null);
  }

  static Counting forVariant(String variant, long n, long k, Integer statePartitions) {
    return switch (variant) {
      case "inmem" -> new InMemoryCounting();
      case "mapWithState" -> new MapWithStateCounting(n, k, statePartitions);
      case "update" -> new UpdateStateCounting(statePartitions);
      default -> throw new IllegalArgumentException("unknown session-count variant " + variant
          + " (available: inmem, mapWithState, update)");
    };
  }

  @Override
  public String name() {
    return "session-count";
  }

  @Override
  public String variant() {
    return variant;
  }

  @Override
  public long events() {
    return n;
  }

  @Override
  public long k() {
    return k;
  }

  @Override
  public long b() {
    return b;
  }

  @Override
  public void define(StreamingContext ssc, Duration stateCheckpoint) {
    final long users = k;
    counting.define(ssc.generatorStream(new GeneratorSpec<>(i -> Gen.record(i, users), 0, b, n)), stateCheckpoint);
  }

  @Override
  public String check() {
    long[] r = counting.sumAndKeys();
    long expectedKeys = Gen.distinctUsers(n, k);
    if (r[0] != n || r[1] != expectedKeys) {
      return "FAILED:sum=" + r[0] + ",keys=" + r[1] + ",expected_keys=" + expectedKeys;
    }
    return "ok";
  }

  /**
   * The idle timeout of session-count's state: 60 s, and 1 h above 10 M users (session-count-large,
   * docs/WORKLOADS.md), where a user recurs only every ~K events, longer than 60 s of batches.
   */
  static long idleTimeoutS(long k) {
    return k > 10_000_000 ? 3600 : 60;
  }

  /**
   * {@code mapWithState}: a Long count per user with an idle timeout (60 s; 1 h for more than
   * 10 M users, as session-count-large says), emitting (user, newCount) per record. The state
   * is checked through the emitted counts: with exact state, user u emits 1..n_u, so the
   * emitted counts add up to the sum of n_u(n_u+1)/2 and exactly one per user is 1; a lost or
   * doubled state breaks one of these. Reported as {sum of final counts, users} when they hold.
   */
  static final class MapWithStateCounting implements Counting {
    private final long n;
    private final long k;
    private final java.util.concurrent.atomic.LongAdder emitted = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder countSum = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder firsts = new java.util.concurrent.atomic.LongAdder();

    private final Integer statePartitions;

    MapWithStateCounting(long n, long k, Integer statePartitions) {
      this.n = n;
      this.k = k;
      this.statePartitions = statePartitions;
    }

    @Override
    public void define(DStream<String> events, Duration checkpoint) {
      io.uji.streaming.StateSpec<String, Long, Long, Pair<String, Long>> spec =
          io.uji.streaming.StateSpec.<String, Long, Long, Pair<String, Long>>function((user, one, state) -> {
            long c = state.exists() ? state.get() + one.orElse(1L) : one.orElse(1L);
            state.update(c);
            return Pair.of(user, c);
          });
      spec.timeout(io.uji.streaming.Durations.seconds(idleTimeoutS(k)))
          .types(String.class, Long.class).name("session-count");
      if (statePartitions != null) {
        spec.numPartitions(statePartitions);
      }
      io.uji.streaming.MapWithStateDStream<String, Long, Long, Pair<String, Long>> mapped =
          events.mapToPair(u -> Pair.of(u, 1L)).mapWithState(spec);
      if (checkpoint != null) {
        mapped.checkpoint(checkpoint);
      }
      mapped.foreachBatch(batch -> batch.foreach(kv -> {
        emitted.increment();
        countSum.add(kv.value());
        if (kv.value() == 1) {
          firsts.increment();
        }
      }));
    }

    @Override
    public long[] sumAndKeys() {
      // Counts in pages of 2^20 users, not one int[k]: with 20 M users one array would be an
      // 80 MB humongous object that G1 could not place in a 1 GB heap still holding the state's
      // cache (a session-count-large run failed its check with OutOfMemoryError that way).
      int users = Math.toIntExact(k);
      int[][] perUser = new int[(users >>> 20) + 1][];
      for (int p = 0; p < perUser.length; p++) {
        perUser[p] = new int[Math.min(1 << 20, users - (p << 20))];
      }
      for (long i = 0; i < n; i++) {
        int u = (int) Gen.user(i, k);
        perUser[u >>> 20][u & ((1 << 20) - 1)]++;
      }
      long expected = 0;
      for (int[] page : perUser) {
        for (int c : page) {
          expected += (long) c * (c + 1) / 2;
        }
      }
      boolean consistent = countSum.sum() == expected && emitted.sum() == n;
      return new long[] {consistent ? emitted.sum() : -countSum.sum(), firsts.sum()};
    }
  }

  /** {@code update}: updateStateByKey summing the batch's values into the count; its stream is every count. */
  static final class UpdateStateCounting implements Counting {
    private volatile long[] last = {0, 0};
    private final Integer statePartitions;

    UpdateStateCounting(Integer statePartitions) {
      this.statePartitions = statePartitions;
    }

    @Override
    public void define(DStream<String> events, Duration checkpoint) {
      io.uji.streaming.StateDStream<String, Long> counts = events.mapToPair(u -> Pair.of(u, 1L)).<Long>updateStateByKey((values, old) -> {
        long sum = old.orElse(0L);
        for (long v : values) {
          sum += v;
        }
        return java.util.Optional.of(sum);
      }, statePartitions != null ? statePartitions : events.context().config().defaultParallelism()).name("session-count");
      if (checkpoint != null) {
        counts.checkpoint(checkpoint);
      }
      counts.foreachBatch(states -> {
        java.util.concurrent.atomic.LongAdder sum = new java.util.concurrent.atomic.LongAdder();
        java.util.concurrent.atomic.LongAdder keys = new java.util.concurrent.atomic.LongAdder();
        states.foreach(kv -> {
          sum.add(kv.value());
          keys.increment();
        });
        last = new long[] {sum.sum(), keys.sum()};
      });
    }

    @Override
    public long[] sumAndKeys() {
      return last;
    }
  }

  /**
   * Placeholder variant: per-batch reduceByKey, merged into one heap map per output partition
   * (the hash partitioner sends a user to the same partition every batch, so partitions merge in
   * parallel without locks).
   */
  static final class InMemoryCounting implements Counting {
    private Map<String, Long>[] maps;

    @Override
    public void define(DStream<String> events, Duration checkpoint) {
      events.mapToPair(u -> Pair.of(u, 1L)).reduceByKey(Long::sum).foreachBatch(this::merge);
    }

    @SuppressWarnings("unchecked")
    private void merge(Dataset<Pair<String, Long>> batch) {
      if (maps == null) {
        maps = new Map[batch.numPartitions()];
        for (int p = 0; p < maps.length; p++) {
          maps[p] = new HashMap<>();
        }
      }
      batch.runPartitions(p -> {
        Map<String, Long> m = maps[p];
        for (Pair<String, Long> kv : batch.partitions().get(p)) {
          m.merge(kv.key(), kv.value(), Long::sum);
        }
      });
    }

    @Override
    public long[] sumAndKeys() {
      long sum = 0;
      long keys = 0;
      if (maps != null) {
        for (Map<String, Long> m : maps) {
          keys += m.size();
          for (long c : m.values()) {
            sum += c;
          }
        }
      }
      return new long[] {sum, keys};
    }
  }
}
