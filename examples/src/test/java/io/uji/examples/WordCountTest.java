package io.uji.examples;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.streaming.BatchInfo;
import io.uji.streaming.Durations;
import io.uji.streaming.ManualClock;
import io.uji.streaming.Pair;
import io.uji.streaming.StreamingConfig;
import io.uji.streaming.StreamingContext;
import io.uji.streaming.StreamingListener;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WordCountTest {
  private final ManualClock clock = new ManualClock();
  private final StreamingContext ssc = new StreamingContext(
      StreamingConfig.builder().clock(clock).workerThreads(2).build(), Durations.seconds(1));
  /** Batch time in ms to the batch's word counts. */
  private final Map<Long, Map<String, Integer>> counts = new ConcurrentHashMap<>();
  private final Set<Long> completed = ConcurrentHashMap.newKeySet();

  @AfterEach
  void stop() {
    ssc.stop(false);
  }

  @Test
  void countsTheWordsOfEachBatchOfLines() {
    Queue<List<String>> batches = new ArrayDeque<>(List.of(
        List.of("the quick brown fox", "jumps over the lazy dog", "the dog"),
        List.of("fox fox", "dog")));
    WordCount.wordCounts(ssc.queueStream(batches, true)).foreachBatch((d, t) -> {
      Map<String, Integer> m = new HashMap<>();
      for (Pair<String, Integer> kv : d.collect()) {
        assertEquals(null, m.put(kv.key(), kv.value()), "one count per word and batch");
      }
      counts.put(t.milliseconds(), m);
    });
    ssc.addStreamingListener(new StreamingListener() {
      @Override
      public void onBatchCompleted(BatchInfo batch) {
        completed.add(batch.batchTime().milliseconds());
      }
    });
    ssc.start();
    runBatch(1000);
    runBatch(2000);
    runBatch(3000);

    assertEquals(Map.of("the", 3, "quick", 1, "brown", 1, "fox", 1, "jumps", 1, "over", 1, "lazy", 1, "dog", 2),
        counts.get(1000L));
    assertEquals(Map.of("fox", 2, "dog", 1), counts.get(2000L));
    assertTrue(counts.get(3000L).isEmpty(), "an empty queue gives an empty batch: " + counts.get(3000L));
  }

  private void runBatch(long time) {
    clock.setTime(time);
    await().atMost(Duration.ofSeconds(20)).until(() -> completed.contains(time));
  }

  @Test
  void shouldGenerateTheSameFourWordLineForTheSameNumber() {
    assertEquals(WordCount.line(42), WordCount.line(42));
    assertEquals(4, WordCount.line(7).split(" ").length);
    Set<String> vocabulary = Set.of("the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog");
    for (String w : WordCount.line(123_456).split(" ")) {
      assertEquals(true, vocabulary.contains(w), w);
    }
  }
}
