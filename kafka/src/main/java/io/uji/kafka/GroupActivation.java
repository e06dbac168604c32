package io.uji.kafka;

import io.uji.engine.cluster.ChangelogPositions;
import io.uji.engine.cluster.GroupStateAccess;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Prepares a key group this instance gained (design 7.3): waits for the group's committed input
 * offsets to be stable (no transaction with offsets for them open, KIP-447), which also means no
 * transaction that could still commit changelog records of the group is open; then restores the
 * group's state from the changelogs (continuing the local copy when it can); returns where its
 * input starts.
 */
final class GroupActivation {
  private final Admin admin;
  private final String applicationId;
  private final List<String> topics;
  private final ChangelogRestorer restorer;
  private final GroupProducer producer;
  private final Map<String, String> changelogs;
  private final Map<String, String> topicIds;
  private final Duration timeout;

  GroupActivation(Admin admin, String applicationId, List<String> topics, ChangelogRestorer restorer,
      GroupProducer producer, Map<String, String> changelogs, Map<String, String> topicIds, Duration timeout) {
    this.admin = admin;
    this.applicationId = applicationId;
    this.topics = List.copyOf(topics);
    this.restorer = restorer;
    this.producer = producer;
    this.changelogs = Map.copyOf(changelogs);
    this.topicIds = Map.copyOf(topicIds);
    this.timeout = timeout;
  }

  /**
   * @return per input partition of {@code group} (its id), the committed offset to start from;
   *     partitions without a committed offset are absent (they start where the source says)
   * @throws UjiKafkaException if the offsets or the changelogs cannot be read
   */
  Map<String, Long> prepare(int group, GroupStateAccess state) {
    Map<String, Long> start = stableOffsets(group);
    ChangelogPositions local = producer.positions();
    Map<String, Long> positions = restorer.restore(state, group, changelogs, topicIds, local);
    positions.forEach((op, p) -> producer.restored(op, group, p));
    return start;
  }

  /**
   * Forgets the local copies of {@code groups}: the engine emptied them (a reset or lost
   * partitions), so their next restore reads their changelogs from the log start.
   */
  void forget(java.util.Set<Integer> groups) {
    for (String op : changelogs.keySet()) {
      for (int g : groups) {
        producer.restored(op, g, -1);
      }
    }
  }

  private Map<String, Long> stableOffsets(int group) {
    List<TopicPartition> tps = topics.stream().map(t -> new TopicPartition(t, group)).toList();
    try {
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(
          Map.of(applicationId, new ListConsumerGroupOffsetsSpec().topicPartitions(tps)),
          new ListConsumerGroupOffsetsOptions().requireStable(true).timeoutMs((int) timeout.toMillis()))
          .partitionsToOffsetAndMetadata(applicationId).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      Map<String, Long> out = new HashMap<>();
      committed.forEach((tp, o) -> {
        if (o != null) {
          out.put(PartitionIds.id(tp), o.offset());
        }
      });
      return out;
    } catch (ExecutionException e) {
      throw new UjiKafkaException("Cannot read the stable committed offsets of key group " + group + " of group '"
          + applicationId + "': " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new UjiKafkaException("Cannot read the stable committed offsets of key group " + group + " of group '"
          + applicationId + "' within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UjiKafkaException("Interrupted reading the committed offsets of key group " + group, e);
    }
  }
}
