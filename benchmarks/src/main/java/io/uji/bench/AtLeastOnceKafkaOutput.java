package io.uji.bench;

import io.uji.streaming.Dataset;
import io.uji.streaming.Pair;
import io.uji.streaming.Time;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * kafka-session-count's at-least-once output: each batch's (user, count) pairs sent by one plain
 * (idempotent, non-transactional) producer, flushed before the batch completes, so that a batch
 * counts as done only once Kafka has its records. A replayed batch writes them again: what
 * Kafka Streams' at_least_once gives, the counterpart of its figure. The exactly-once run uses
 * {@link io.uji.kafka.KafkaSink} instead.
 */
final class AtLeastOnceKafkaOutput implements BiConsumer<Dataset<Pair<String, Long>>, Time>, AutoCloseable {
  private final KafkaProducer<String, Long> producer;
  private final String topic;

  AtLeastOnceKafkaOutput(Map<String, Object> producerProperties, String topic) {
    this.producer = new KafkaProducer<>(producerProperties, new StringSerializer(), new LongSerializer());
    this.topic = topic;
  }

  /**
   * Sends the batch's records (each dataset partition from its own worker thread) and waits until
   * Kafka acknowledged all of them.
   *
   * @throws IllegalStateException naming the topic and batch if a record could not be written
   */
  @Override
  public void accept(Dataset<Pair<String, Long>> batch, Time time) {
    AtomicReference<Exception> failure = new AtomicReference<>();
    batch.runPartitions(p -> {
      for (Pair<String, Long> kv : batch.partition(p)) {
        producer.send(new ProducerRecord<>(topic, kv.key(), kv.value()), (meta, e) -> {
          if (e != null) {
            failure.compareAndSet(null, e);
          }
        });
      }
    });
    producer.flush();
    if (failure.get() != null) {
      throw new IllegalStateException("Writing batch " + time + " to topic " + topic + " failed", failure.get());
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
