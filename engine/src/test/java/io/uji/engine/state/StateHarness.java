package io.uji.engine.state;

import static org.awaitility.Awaitility.await;

import io.uji.streaming.BatchInfo;
import io.uji.streaming.DStream;
import io.uji.streaming.Durations;
import io.uji.streaming.ManualClock;
import io.uji.streaming.StreamingConfig;
import io.uji.streaming.StreamingContext;
import io.uji.streaming.StreamingListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A context on a manual clock fed by a queue (one list per batch), driven batch by batch: the
 * clock moves to the next batch time and Awaitility waits for that batch to complete. Batch
 * interval {@value #BATCH} ms, clock from 0: batch {@code i} (0-based) is at {@code (i+1)*1000}.
 */
final class StateHarness<T> implements AutoCloseable {
  static final long BATCH = 1000;

  final ManualClock clock = new ManualClock(0);
  final StreamingContext ssc;
  final Queue<List<T>> queue = new ConcurrentLinkedQueue<>();
  final DStream<T> input;
  private final Map<Long, BatchInfo> completed = new ConcurrentHashMap<>();
  private final List<String> failures = new CopyOnWriteArrayList<>();
  private long last;

  StateHarness(StreamingConfig config) {
    ssc = new StreamingContext(config.withClock(clock), Durations.milliseconds(BATCH));
    ssc.addStreamingListener(new StreamingListener() {
      @Override
      public void onBatchCompleted(BatchInfo b) {
        b.failureReason().ifPresent(r -> failures.add(b.batchTime() + ": " + r));
        completed.put(b.batchTime().milliseconds(), b);
      }
    });
    input = ssc.queueStream(queue, true);
  }

  static StreamingConfig config(int threads, int partitions) {
    return StreamingConfig.defaults().withWorkerThreads(threads).withDefaultParallelism(partitions);
  }

  void start() {
    ssc.start();
  }

  /** Queues {@code batch} and runs it; @return its batch time */
  long run(List<T> batch) {
    queue.add(batch);
    long t = last + BATCH;
    clock.setTime(t);
    await().atMost(java.time.Duration.ofSeconds(30)).until(() -> {
      if (!failures.isEmpty()) {
        throw new AssertionError("batch failed: " + failures);
      }
      return completed.containsKey(t);
    });
    last = t;
    return t;
  }

  @Override
  public void close() {
    ssc.stop(false);
  }

  /** Collects an output per batch time. */
  static final class Collector<E> {
    final Map<Long, List<E>> byTime = new ConcurrentHashMap<>();

    static <E> Collector<E> on(DStream<E> stream) {
      Collector<E> c = new Collector<>();
      stream.foreachBatch((d, t) -> c.byTime.put(t.milliseconds(), d.collect()));
      return c;
    }

    List<E> at(long t) {
      return byTime.getOrDefault(t, List.of());
    }

    Map<Long, List<E>> sorted() {
      return new TreeMap<>(byTime);
    }

    List<E> all() {
      List<E> out = new ArrayList<>();
      sorted().values().forEach(out::addAll);
      return out;
    }
  }
}
