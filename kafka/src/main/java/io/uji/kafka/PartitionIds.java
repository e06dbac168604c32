package io.uji.kafka;

import org.apache.kafka.common.TopicPartition;

/**
 * The stable names of Kafka partitions in Uji's lineage and checkpoints: {@code "topic-partition"},
 * as Kafka's own {@code TopicPartition.toString()} (a topic name may hold dashes; the partition
 * number follows the last one).
 */
final class PartitionIds {
  private PartitionIds() {}

  static String id(TopicPartition tp) {
    return tp.topic() + "-" + tp.partition();
  }

  static String id(String topic, int partition) {
    return topic + "-" + partition;
  }

  /** @throws IllegalArgumentException if {@code id} is not {@code topic-partition} */
  static TopicPartition parse(String id) {
    int dash = id.lastIndexOf('-');
    if (dash <= 0 || dash == id.length() - 1) {
      throw new IllegalArgumentException("Not a Kafka partition name (topic-partition): '" + id + "'");
    }
    try {
      return new TopicPartition(id.substring(0, dash), Integer.parseInt(id.substring(dash + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Not a Kafka partition name (topic-partition): '" + id + "'", e);
    }
  }
}
