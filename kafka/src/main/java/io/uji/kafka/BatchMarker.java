package io.uji.kafka;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The sink's record of the last batch it committed, kept in Kafka itself and written in the same
 * transaction as the batch's records: the consumer-group offset of group
 * {@code uji-sink-<transactionalId>} on partition 0 of the output topic, whose value is the batch
 * time in milliseconds. Kafka commits a transaction's records and its offsets atomically, so the
 * marker says exactly which batches' records are in the topic.
 */
final class BatchMarker {
  /** The marker of a sink that never committed a batch. */
  static final long NONE = Long.MIN_VALUE;
  private static final String METADATA = "uji sink: the time (ms) of the last batch committed";

  private final String groupId;
  private final TopicPartition partition;
  private final ConsumerGroupMetadata group;

  private BatchMarker(String groupId, TopicPartition partition, ConsumerGroupMetadata group) {
    this.groupId = groupId;
    this.partition = partition;
    this.group = group;
  }

  /**
   * The marker of the sink with {@code transactionalId} writing to {@code topic}.
   *
   * @param clientProperties the sink's client properties (connection and security settings)
   */
  static BatchMarker of(String transactionalId, String topic, Map<String, ?> clientProperties) {
    String groupId = "uji-sink-" + transactionalId;
    return new BatchMarker(groupId, new TopicPartition(topic, 0), groupMetadata(groupId, clientProperties));
  }

  /**
   * The group's metadata as a consumer that never joins it has it (no generation, no member): the
   * group has no consumers, only the sink's transactional commits. Kafka 4.2 deprecated building
   * it by hand in favour of asking a consumer; this consumer never connects.
   */
  private static ConsumerGroupMetadata groupMetadata(String groupId, Map<String, ?> clientProperties) {
    Map<String, Object> config = ClientConfigs.admin(clientProperties, groupId + "-metadata");
    config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      return consumer.groupMetadata();
    }
  }

  String groupId() {
    return groupId;
  }

  ConsumerGroupMetadata group() {
    return group;
  }

  /** @return what to send with the transaction of the batch at {@code batchTimeMs} */
  Map<TopicPartition, OffsetAndMetadata> offsets(long batchTimeMs) {
    return Map.of(partition, new OffsetAndMetadata(batchTimeMs, METADATA));
  }

  /**
   * Reads the marker. Stable offsets only: a transaction still being completed is waited for
   * (the admin client retries until the deadline).
   *
   * @return the time of the last committed batch, or {@link #NONE}
   */
  long read(Admin admin, Deadline deadline) throws ExecutionException, TimeoutException, InterruptedException {
    // Stable, and asked again while left out: a marker still pending is not "no batch written".
    OffsetAndMetadata o = StableOffsets.fetch(admin, groupId, List.of(partition), deadline).get(partition);
    return o == null ? NONE : o.offset();
  }
}
