package io.uji.kafka;

import io.uji.streaming.Dataset;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One transactional producer of a {@link KafkaSink}: writes a batch's records and the sink's
 * {@link BatchMarker} in one transaction. Opening it ({@code initTransactions}) fences every
 * earlier producer with the same transactional id and completes or aborts their open transaction,
 * so that the marker read afterwards is final.
 */
final class TransactionalWriter<T> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TransactionalWriter.class);

  private final Producer<Object, Object> producer;
  private final SinkSettings<T> settings;
  private final BatchMarker marker;

  private TransactionalWriter(Producer<Object, Object> producer, SinkSettings<T> settings, BatchMarker marker) {
    this.producer = producer;
    this.settings = settings;
    this.marker = marker;
  }

  /**
   * Creates the producer and initializes its transactions.
   *
   * @throws KafkaException what {@code initTransactions} throws (the producer is closed)
   */
  static <T> TransactionalWriter<T> open(SinkSettings<T> settings, BatchMarker marker) {
    Producer<Object, Object> producer = new KafkaProducer<>(
        ClientConfigs.producer(settings.producerProperties(), settings.transactionalId()),
        serializer(settings.keySerializer()), serializer(settings.valueSerializer()));
    try {
      producer.initTransactions();
    } catch (RuntimeException e) {
      producer.close(Duration.ZERO);
      throw e;
    }
    return new TransactionalWriter<>(producer, settings, marker);
  }

  @SuppressWarnings("unchecked") // the serializer's type is the user's key or value type; the producer is untyped
  private static Serializer<Object> serializer(java.util.function.Supplier<? extends Serializer<?>> supplier) {
    return supplier == null ? null : (Serializer<Object>) supplier.get();
  }

  /**
   * Writes every record of {@code batch} and the marker {@code batchTimeMs} in one transaction.
   * The records of each dataset partition are sent in order from one worker thread.
   *
   * @throws KafkaException if the transaction did not commit (its outcome is known only after
   *     another {@link #open}, which completes or aborts it); the first failed send is suppressed in it
   * @throws RuntimeException what the key or value function threw (the transaction is aborted)
   */
  void write(Dataset<T> batch, long batchTimeMs) {
    producer.beginTransaction();
    FirstFailure failure = new FirstFailure();
    try {
      String topic = settings.topic();
      batch.runPartitions(p -> {
        List<T> records = batch.partition(p);
        for (T r : records) {
          producer.send(new ProducerRecord<>(topic, settings.key().apply(r), settings.value().apply(r)), failure);
        }
      });
      producer.sendOffsetsToTransaction(marker.offsets(batchTimeMs), marker.group());
      producer.commitTransaction();
    } catch (KafkaException e) {
      Exception send = failure.first.get();
      if (send != null && send != e && send != e.getCause()) {
        e.addSuppressed(send);
      }
      throw e;
    } catch (RuntimeException e) {
      abortQuietly(); // a user function failed: the broker is fine, abort so that readers are not held up
      throw e;
    }
  }

  private void abortQuietly() {
    try {
      producer.abortTransaction();
    } catch (RuntimeException e) {
      LOG.debug("Aborting the transaction of {} failed; the next producer with this id aborts it",
          settings.transactionalId(), e);
    }
  }

  /** Closes the producer without waiting: an open transaction is aborted by the next producer with this id. */
  void closeNow() {
    producer.close(Duration.ZERO);
  }

  /** Closes the producer, waiting up to {@code timeout} for requests in flight. */
  void close(Duration timeout) {
    producer.close(timeout);
  }

  @Override
  public void close() {
    closeNow();
  }

  /** Keeps the first failed send of a transaction. Called on the producer's I/O thread. */
  private static final class FirstFailure implements Callback {
    final AtomicReference<Exception> first = new AtomicReference<>();

    @Override
    public void onCompletion(RecordMetadata metadata, Exception exception) {
      if (exception != null) {
        first.compareAndSet(null, exception);
      }
    }
  }
}
