package io.uji.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;

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
 * @param headers its headers (the client's own object, not copied)
 * @param <K> the key type
 * @param <V> the value type
 */
public record KafkaRecord<K, V>(String topic, int partition, long offset, long timestamp, K key, V value,
    Headers headers) {

  /** The record of a consumer record, sharing its key, value and headers. */
  static <K, V> KafkaRecord<K, V> of(ConsumerRecord<K, V> r) {
    return new KafkaRecord<>(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value(), r.headers());
  }
}
