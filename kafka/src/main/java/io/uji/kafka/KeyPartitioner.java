package io.uji.kafka;

import java.util.Objects;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Utils;

/**
 * The partition that the producers of the group's input topics choose for a key: the key's key
 * group, needed to say which instance holds a key ({@link KafkaGroup#locate}). It must be the
 * producers' own choice: a different one sends lookups to the wrong instance (the state itself is
 * placed by the partition each record was read from, never by this function).
 *
 * @param <K> the key type
 */
@FunctionalInterface
public interface KeyPartitioner<K> {
  /**
   * @param key a key, not null
   * @param partitions the input topics' partition count
   * @return the partition the producers send {@code key} to, in {@code [0, partitions)}
   */
  int partition(K key, int partitions);

  /**
   * Kafka's default partitioning of a keyed record, as its Java producer does it without a custom
   * partitioner ({@code BuiltInPartitioner.partitionForKey}): the murmur2 hash of the serialized
   * key, made positive, modulo the partition count.
   *
   * @param keySerializer the producers' key serializer (used as given: configure it first if it
   *     needs configuring)
   * @param topic the topic name handed to the serializer (the serialized form may depend on it)
   * @return the partitioner
   */
  static <K> KeyPartitioner<K> murmur2(Serializer<? super K> keySerializer, String topic) {
    Objects.requireNonNull(keySerializer, "keySerializer");
    Objects.requireNonNull(topic, "topic");
    return (key, partitions) -> {
      byte[] bytes = keySerializer.serialize(topic, key);
      if (bytes == null) {
        throw new IllegalArgumentException("The key serializer turned key " + key + " into null: a record with a"
            + " null key has no fixed partition, so its key cannot be located");
      }
      return Utils.toPositive(Utils.murmur2(bytes)) % partitions;
    };
  }
}
