package io.uji.examples;

import io.uji.streaming.Dataset;
import io.uji.streaming.Pair;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The latest count of every user updated in this run, for the demo's top-users display. (The
 * counts themselves live in the job's keyed state; this is only what the display has seen.)
 *
 * <p>Thread-safe: the batch runner records while the listener thread reads the top users.
 */
public final class UserCounts {
  /** Orders (user, count) by count descending, then user ascending, so ties print the same way every run. */
  static final Comparator<Pair<String, Long>> BY_COUNT_DESC =
      Comparator.<Pair<String, Long>>comparingLong(Pair::value).reversed().thenComparing(Pair::key);

  private final Map<String, Long> counts = new HashMap<>();

  /** Takes one batch's updates of the {@code sessions} operator. */
  public synchronized void record(Dataset<Sessions.Update> updates) {
    for (List<Sessions.Update> partition : updates.partitions()) {
      for (Sessions.Update u : partition) {
        if (u.ended()) {
          counts.remove(u.user());
        } else {
          counts.put(u.user(), u.count());
        }
      }
    }
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
