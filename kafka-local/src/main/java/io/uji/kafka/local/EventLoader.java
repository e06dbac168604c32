package io.uji.kafka.local;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes the session-count workload into a Kafka topic: record {@code i} has the key
 * {@link SessionEvents#key} (StringSerializer) and the value {@code i} (LongSerializer: 8 bytes,
 * big-endian), and goes to the partition Kafka's default partitioner picks for its key.
 *
 * <p>The producer is idempotent with {@code acks=all}, so every event is written exactly once,
 * in order per partition, even if a request is retried; it batches for throughput like the peer
 * harnesses' loader (512 KiB batches, 20 ms linger, no compression). Events are appended: loading
 * twice into the same topic writes them twice.
 */
public final class EventLoader {
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);
  /** How often (in events) the send loop looks for a failed send, to stop early. */
  private static final long FAILURE_CHECK_EVERY = 1 << 16;

  private EventLoader() {}

  /**
   * Creates the topic if it is missing, writes the events and returns once all are acknowledged.
   *
   * @param bootstrapServers the broker(s), {@code host:port[,host:port...]}
   * @throws LocalKafkaException if the topic exists with another partition count, or cannot be
   *     created, or a send fails (the message names the topic and the broker)
   */
  public static LoadResult load(String bootstrapServers, LoadSpec spec) {
    ensureTopic(bootstrapServers, spec);
    return produce(bootstrapServers, spec);
  }

  private static void ensureTopic(String bootstrapServers, LoadSpec spec) {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      try {
        admin.createTopics(List.of(new NewTopic(spec.topic(), Optional.of(spec.partitions()), Optional.empty())))
            .all().get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        awaitLeaders(admin, spec);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
        TopicDescription existing = admin.describeTopics(List.of(spec.topic())).allTopicNames()
            .get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS).get(spec.topic());
        int partitions = existing.partitions().size();
        if (partitions != spec.partitions()) {
          throw new LocalKafkaException("Topic " + spec.topic() + " at " + bootstrapServers + " exists with "
              + partitions + " partitions, not the " + spec.partitions() + " asked for: delete it, or load with "
              + partitions + " partitions");
        }
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new LocalKafkaException("Cannot create topic " + spec.topic() + " at " + bootstrapServers, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LocalKafkaException("Interrupted while creating topic " + spec.topic() + " at " + bootstrapServers, e);
    }
  }

  /**
   * Returns once every partition of the topic just created answers on its leader: an idempotent
   * producer that sends to a partition whose leader is not ready yet may get NOT_LEADER for one
   * batch after the next was stored, and then retries out of order until its delivery timeout
   * (seen on busy machines: one partition's 14 538 events expired after 120 s).
   */
  private static void awaitLeaders(Admin admin, LoadSpec spec) throws InterruptedException, TimeoutException {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (int p = 0; p < spec.partitions(); p++) {
      latest.put(new TopicPartition(spec.topic(), p), OffsetSpec.latest());
    }
    long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
    while (true) {
      try {
        admin.listOffsets(latest).all().get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        return;
      } catch (ExecutionException e) { // NOT_LEADER / LEADER_NOT_AVAILABLE while the leaders are elected
        if (System.nanoTime() > deadline) {
          throw new TimeoutException("the partitions of " + spec.topic() + " have no leader after " + ADMIN_TIMEOUT
              + ": " + e.getCause());
        }
        TimeUnit.MILLISECONDS.sleep(100);
      }
    }
  }

  private static LoadResult produce(String bootstrapServers, LoadSpec spec) {
    Acks acks = new Acks();
    long start = System.nanoTime();
    try (KafkaProducer<String, Long> producer =
        new KafkaProducer<>(producerConfig(bootstrapServers), new StringSerializer(), new LongSerializer())) {
      String topic = spec.topic();
      long users = spec.users();
      for (long i = 0; i < spec.events(); i++) {
        producer.send(new ProducerRecord<>(topic, SessionEvents.key(i, users), i), acks);
        if (i % FAILURE_CHECK_EVERY == 0 && acks.failure.get() != null) {
          break;
        }
      }
      producer.flush();
    } catch (RuntimeException e) {
      throw new LocalKafkaException("Cannot write events to topic " + spec.topic() + " at " + bootstrapServers, e);
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    Exception failure = acks.failure.get();
    if (failure != null) {
      throw new LocalKafkaException("Writing events to topic " + spec.topic() + " at " + bootstrapServers
          + " failed after " + acks.acknowledged.get() + " acknowledged events", failure);
    }
    if (acks.acknowledged.get() != spec.events()) {
      throw new LocalKafkaException("Only " + acks.acknowledged.get() + " of " + spec.events()
          + " events to topic " + spec.topic() + " at " + bootstrapServers + " were acknowledged");
    }
    return new LoadResult(spec.events(), elapsed);
  }

  private static Map<String, Object> producerConfig(String bootstrapServers) {
    return Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        // Large batches and a short linger: the throughput of the peer harnesses' loader
        // (~0.78 M events/s on 2 cores). Compression would cost CPU the broker needs.
        ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024,
        ProducerConfig.LINGER_MS_CONFIG, 20,
        ProducerConfig.BUFFER_MEMORY_CONFIG, 128L << 20,
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 << 20,
        ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
  }

  /** Counts acknowledged events and keeps the first failure. Called on the producer's I/O thread. */
  private static final class Acks implements Callback {
    final AtomicLong acknowledged = new AtomicLong();
    final AtomicReference<Exception> failure = new AtomicReference<>();

    @Override
    public void onCompletion(RecordMetadata metadata, Exception exception) {
      if (exception == null) {
        acknowledged.incrementAndGet();
      } else {
        failure.compareAndSet(null, exception);
      }
    }
  }
}
