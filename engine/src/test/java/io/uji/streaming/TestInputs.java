package io.uji.streaming;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Input batches for operator tests, fed through a one-at-a-time queue stream. */
final class TestInputs {
  private TestInputs() {}

  /** A stream whose {@code i}-th batch holds {@code batches.get(i)} (empty afterwards). */
  static <T> DStream<T> queue(StreamingContext ssc, List<List<T>> batches) {
    ConcurrentLinkedQueue<List<T>> q = new ConcurrentLinkedQueue<>();
    for (List<T> b : batches) {
      q.add(new ArrayList<>(b));
    }
    return ssc.queueStream(q, true);
  }

  /**
   * {@code n} batches of words from {@code keys} distinct ones, 0 to {@code maxSize} each, about
   * a quarter of them empty.
   */
  static List<List<String>> randomWords(long seed, int n, int keys, int maxSize) {
    Random r = new Random(seed);
    List<List<String>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      List<String> b = new ArrayList<>();
      if (r.nextInt(4) != 0) {
        int size = 1 + r.nextInt(maxSize);
        for (int j = 0; j < size; j++) {
          b.add("w" + r.nextInt(keys));
        }
      }
      out.add(b);
    }
    return out;
  }

  static List<List<Integer>> randomInts(long seed, int n, int bound, int maxSize) {
    Random r = new Random(seed);
    List<List<Integer>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      List<Integer> b = new ArrayList<>();
      if (r.nextInt(4) != 0) {
        int size = 1 + r.nextInt(maxSize);
        for (int j = 0; j < size; j++) {
          b.add(r.nextInt(bound));
        }
      }
      out.add(b);
    }
    return out;
  }
}
