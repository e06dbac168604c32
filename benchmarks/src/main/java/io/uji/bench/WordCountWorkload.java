package io.uji.bench;

import io.uji.streaming.Dataset;
import io.uji.streaming.GeneratorSpec;
import io.uji.streaming.Pair;
import io.uji.streaming.StreamingContext;
import io.uji.streaming.Time;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stateless word count (Spark's streaming word count): generated lines (see {@link Gen#line}) →
 * flatMap split on spaces → mapToPair(word, 1) → reduceByKey(sum) → an output that sums the
 * counts. An event is a line.
 *
 * <p>Check: the counts of all batches add up to N × words per line; the words seen are the
 * distinct words of the input; the first batch's counts equal a direct count of its lines.
 */
final class WordCountWorkload implements Workload {
  private final long n;
  private final long vocabulary;
  private final int wordsPerLine;
  private final long batchLines;
  private final AtomicLong wordsCounted = new AtomicLong();
  private final Set<String> wordsSeen = new HashSet<>();
  private volatile Map<String, Long> firstBatch;

  WordCountWorkload(long n, long vocabulary, int wordsPerLine, long batchLines) {
    this.n = n;
    this.vocabulary = vocabulary;
    this.wordsPerLine = wordsPerLine;
    this.batchLines = batchLines;
  }

  @Override
  public String name() {
    return "wordcount";
  }

  @Override
  public String variant() {
    return "reduceByKey";
  }

  @Override
  public long events() {
    return n;
  }

  @Override
  public long k() {
    return vocabulary;
  }

  @Override
  public long b() {
    return batchLines;
  }

  @Override
  public void define(StreamingContext ssc, io.uji.streaming.Duration stateCheckpoint) {
    final int w = wordsPerLine;
    final long v = vocabulary;
    ssc.generatorStream(new GeneratorSpec<>(i -> Gen.line(i, w, v), 0, batchLines, n))
        .flatMap(line -> List.of(line.split(" ")).iterator())
        .mapToPair(word -> Pair.of(word, 1L))
        .reduceByKey(Long::sum)
        .foreachBatch(this::onBatch);
  }

  private void onBatch(Dataset<Pair<String, Long>> counts, Time t) {
    AtomicLong sum = new AtomicLong();
    counts.runPartitions(p -> {
      long s = 0;
      for (Pair<String, Long> kv : counts.partitions().get(p)) {
        s += kv.value();
      }
      sum.addAndGet(s);
    });
    wordsCounted.addAndGet(sum.get());
    synchronized (wordsSeen) {
      for (List<Pair<String, Long>> part : counts.partitions()) {
        for (Pair<String, Long> kv : part) {
          wordsSeen.add(kv.key());
        }
      }
    }
    if (firstBatch == null && !counts.isEmpty()) {
      Map<String, Long> m = new HashMap<>();
      for (Pair<String, Long> kv : counts.collect()) {
        m.put(kv.key(), kv.value());
      }
      firstBatch = m;
    }
  }

  @Override
  public String check() {
    long expectedWords = n * wordsPerLine;
    if (wordsCounted.get() != expectedWords) {
      return "FAILED:words=" + wordsCounted.get() + ",expected=" + expectedWords;
    }
    long distinct = Gen.distinctUsers(expectedWords, vocabulary);
    if (wordsSeen.size() != distinct) {
      return "FAILED:distinct_words=" + wordsSeen.size() + ",expected=" + distinct;
    }
    Map<String, Long> expectedFirst = new HashMap<>();
    for (long i = 0; i < Math.min(n, batchLines); i++) {
      for (String word : Gen.line(i, wordsPerLine, vocabulary).split(" ")) {
        expectedFirst.merge(word, 1L, Long::sum);
      }
    }
    if (!expectedFirst.equals(firstBatch)) {
      return "FAILED:first_batch_counts_differ";
    }
    return "ok";
  }

  @Override
  public String extras() {
    return "words_per_line=" + wordsPerLine + " vocabulary=" + vocabulary;
  }
}
