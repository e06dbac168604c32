package io.uji.bench.failover;

import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Keeps producing session-count events (the loader's: key {@code "user-" + u(i)}, value {@code
 * i}, Kafka's default partitioner) at a fixed rate from event {@code first} on, so that the group
 * has live input on every partition when an instance dies, as a service has. Its own thread and
 * producer; {@link #close()} stops both.
 */
final class LiveFeed implements AutoCloseable {
  /** kafka-local's {@code SessionEvents.MULTIPLIER}: the same users as the preloaded events. */
  private static final long MULTIPLIER = 0x9E3779B97F4A7C15L;
  private static final long TICK_MS = 10;

  private final KafkaProducer<String, Long> producer;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile long next;

  LiveFeed(String bootstrap, long first, long users, long eventsPerSecond) {
    producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "acks", "all", "linger.ms", 5),
        new StringSerializer(), new LongSerializer());
    next = first;
    thread = new Thread(() -> run(first, users, eventsPerSecond), "live-feed");
    thread.setDaemon(true);
    thread.start();
  }

  private void run(long first, long users, long eventsPerSecond) {
    long start = System.nanoTime();
    long i = first;
    while (running) {
      long due = first + (System.nanoTime() - start) / 1_000_000L * eventsPerSecond / 1000L;
      for (; i < due; i++) {
        producer.send(new ProducerRecord<>("input", "user-" + Long.remainderUnsigned(i * MULTIPLIER, users), i));
      }
      next = i;
      try {
        Thread.sleep(TICK_MS); // a pacing tick, not a wait for a condition
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** @return events produced so far, counted from the first */
  long produced(long first) {
    return next - first;
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close();
  }
}
