package io.uji.examples;

import io.uji.streaming.Dataset;
import io.uji.streaming.DStream;
import io.uji.streaming.Pair;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The session-count job's per-user event counts, kept in memory for now: every batch is reduced
 * by key and merged into one map. Not fault tolerant (a restart starts from zero); this is the
 * placeholder until the job keeps its counts with {@code mapWithState}, and {@link #countInto} is
 * the one method that change replaces.
 *
 * <p>Thread-safe: the batch runner merges while the listener thread reads the top users.
 */
public final class UserCounts {
  /** Orders (user, count) by count descending, then user ascending, so ties print the same way every run. */
  static final Comparator<Pair<String, Long>> BY_COUNT_DESC =
      Comparator.<Pair<String, Long>>comparingLong(Pair::value).reversed().thenComparing(Pair::key);

  private final Map<String, Long> counts = new HashMap<>();

  /** Counts {@code events} (one user id each) per user: a per-batch reduceByKey merged into {@code counts}. */
  public static void countInto(DStream<String> events, UserCounts counts) {
    events.mapToPair(user -> Pair.of(user, 1L))
        .reduceByKey(Long::sum)
        .foreachBatch(counts::add);
  }

  /** Adds one batch's per-user counts. */
  public synchronized void add(Dataset<Pair<String, Long>> batchCounts) {
    for (List<Pair<String, Long>> partition : batchCounts.partitions()) {
      for (Pair<String, Long> kv : partition) {
        counts.merge(kv.key(), kv.value(), Long::sum);
      }
    }
  }

  /** @return the sum of all users' counts */
  public synchronized long totalEvents() {
    long sum = 0;
    for (long c : counts.values()) {
      sum += c;
    }
    return sum;
  }

  /** @return how many users have a count */
  public synchronized int users() {
    return counts.size();
  }

  /** @return the count of {@code user}, 0 if none */
  public synchronized long get(String user) {
    return counts.getOrDefault(user, 0L);
  }

  /** @return the {@code n} users with the highest counts, highest first */
  public synchronized List<Pair<String, Long>> top(int n) {
    if (n <= 0) {
      return List.of();
    }
    // A min-heap of the best n seen so far: O(users * log n).
    PriorityQueue<Pair<String, Long>> heap = new PriorityQueue<>(n + 1, BY_COUNT_DESC.reversed());
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      heap.add(Pair.of(e.getKey(), e.getValue()));
      if (heap.size() > n) {
        heap.poll();
      }
    }
    List<Pair<String, Long>> out = new ArrayList<>(heap);
    out.sort(BY_COUNT_DESC);
    return out;
  }
}
