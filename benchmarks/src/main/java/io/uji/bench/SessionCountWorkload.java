package io.uji.bench;

import io.uji.streaming.DStream;
import io.uji.streaming.Dataset;
import io.uji.streaming.GeneratorSpec;
import io.uji.streaming.Pair;
import io.uji.streaming.StreamingContext;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code session-count} of WORKLOAD.md: a running count per user over the generator's records.
 * How the counts are kept is the {@link Counting} variant; the check is the same for all: the
 * counts add up to N and there is one per distinct user.
 */
final class SessionCountWorkload implements Workload {
  /** One way of keeping the per-user counts. */
  interface Counting {
    /** Defines the counting of {@code events} (user ids). */
    void define(DStream<String> events);

    /** @return {sum of all counts, number of users with a count}, read after the run */
    long[] sumAndKeys();
  }

  private final String variant;
  private final long n;
  private final long k;
  private final long b;
  private final Counting counting;

  SessionCountWorkload(String variant, long n, long k, long b) {
    this.variant = variant;
    this.n = n;
    this.k = k;
    this.b = b;
    this.counting = forVariant(variant);
  }

  /**
   * The variants. {@code inmem} is a placeholder until keyed state lands: it has no state store
   * and no fault tolerance, so its figures are not comparable with the peers' mapWithState or
   * updateStateByKey. Add {@code mapWithState} and {@code update} here.
   */
  static Counting forVariant(String variant) {
    return switch (variant) {
      case "inmem" -> new InMemoryCounting();
      default -> throw new IllegalArgumentException("unknown session-count variant " + variant
          + " (available: inmem; mapWithState and update come with keyed state)");
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
  public void define(StreamingContext ssc) {
    final long users = k;
    counting.define(ssc.generatorStream(new GeneratorSpec<>(i -> Gen.record(i, users), 0, b, n)));
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
   * Placeholder variant: per-batch reduceByKey, merged into one heap map per output partition
   * (the hash partitioner sends a user to the same partition every batch, so partitions merge in
   * parallel without locks).
   */
  static final class InMemoryCounting implements Counting {
    private Map<String, Long>[] maps;

    @Override
    public void define(DStream<String> events) {
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
