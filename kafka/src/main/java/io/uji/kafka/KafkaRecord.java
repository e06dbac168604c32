package io.uji.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * One record read from Kafka by a {@link KafkaSource}: what Spark's direct stream hands out as a
 * {@code ConsumerRecord}, as a record.
 *
 * @param topic the topic it was read from
 * @param partition its partition
 * @param offset its offset in the partition
 * @param timestamp its timestamp (ms since the epoch; create or log-append time, as the topic says)
 * @param key the key, deserialized by the source's key deserializer (may be null)
 * @param value the value, deserialized by the source's value deserializer (may be null)
 * @param headers its headers (the client's own object, not copied; one shared read-only empty
 *     instance for every record without headers)
 * @param <K> the key type
 * @param <V> the value type
 */
public record KafkaRecord<K, V>(String topic, int partition, long offset, long timestamp, K key, V value,
    Headers headers) {

  /**
   * The headers of every record that has none: one read-only instance. The client makes a headers
   * object per record even when it is empty; a batch keeps its records until it completes, so
   * sharing one spares the heap a million small objects per million records.
   */
  static final Headers NO_HEADERS = noHeaders();

  private static Headers noHeaders() {
    RecordHeaders h = new RecordHeaders();
    h.setReadOnly();
    return h;
  }

  /** The record of a consumer record, sharing its key, value and headers ({@link #NO_HEADERS} if it has none). */
  static <K, V> KafkaRecord<K, V> of(ConsumerRecord<K, V> r) {
    Headers headers = r.headers();
    return new KafkaRecord<>(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value(),
        headers.toArray().length == 0 ? NO_HEADERS : headers);
  }
}
