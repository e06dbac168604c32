package io.uji.kafka;

import io.uji.streaming.Dataset;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The producer of an at-least-once {@link KafkaSink}: sends a batch's records with a plain
 * (idempotent, not transactional) producer and flushes, so that the batch completes only once
 * Kafka acknowledged every record. A batch replayed after a crash is written again.
 */
final class FlushingWriter<T> implements AutoCloseable {
  private final Producer<Object, Object> producer;
  private final SinkSettings<T> settings;

  private FlushingWriter(Producer<Object, Object> producer, SinkSettings<T> settings) {
    this.producer = producer;
    this.settings = settings;
  }

  static <T> FlushingWriter<T> open(SinkSettings<T> settings) {
    return new FlushingWriter<>(new KafkaProducer<>(ClientConfigs.plainProducer(settings.producerProperties()),
        serializer(settings.keySerializer()), serializer(settings.valueSerializer())), settings);
  }

  @SuppressWarnings("unchecked") // the serializer's type is the user's key or value type; the producer is untyped
  private static Serializer<Object> serializer(Supplier<? extends Serializer<?>> supplier) {
    return supplier == null ? null : (Serializer<Object>) supplier.get();
  }

  /**
   * Sends every record of {@code batch} (each dataset partition in order from one worker thread)
   * and waits until Kafka acknowledged them all.
   *
   * @throws KafkaException the first failed send, once every send completed
   * @throws RuntimeException what the key or value function threw
   */
  void write(Dataset<T> batch) {
    AtomicReference<Exception> failure = new AtomicReference<>();
    String topic = settings.topic();
    batch.runPartitions(p -> {
      for (T r : batch.partition(p)) {
        producer.send(new ProducerRecord<>(topic, settings.key().apply(r), settings.value().apply(r)), (meta, e) -> {
          if (e != null) {
            failure.compareAndSet(null, e);
          }
        });
      }
    });
    producer.flush();
    Exception e = failure.get();
    if (e != null) {
      throw e instanceof KafkaException k ? k : new KafkaException(e);
    }
  }

  /** Closes the producer without waiting: what was not acknowledged is sent again with the replayed batch. */
  void closeNow() {
    producer.close(Duration.ZERO);
  }

  void close(Duration timeout) {
    producer.close(timeout);
  }

  @Override
  public void close() {
    closeNow();
  }
}
