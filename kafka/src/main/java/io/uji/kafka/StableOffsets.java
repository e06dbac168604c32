package io.uji.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A key group's committed input offsets once they are stable (design 7.3 step 2, KIP-447): no
 * transaction with offsets for them is open any more, so none that could still commit the group's
 * changelog records is either.
 *
 * <p>Kafka's admin client does not wait for that: for a partition whose offset commit is pending
 * in an open transaction the broker answers {@code UNSTABLE_OFFSET_COMMIT}, and the client leaves
 * the partition out of its answer (logging "Skipping return offset"), the same answer as a
 * partition without any committed offset if one reads only the values. Read that way, a group taken
 * over from a crashed instance whose transaction was still open started at the log start on top of
 * its restored state and counted its input twice. A partition without a committed offset is in the
 * answer with a null value; one left out is asked again, with backoff, until its commit settles
 * (the transaction commits or aborts, at the latest after its timeout) — as Kafka Streams does.
 */
final class StableOffsets {
  private final Admin admin;
  private final String groupId;
  private final List<String> topics;
  private final Duration timeout;

  /**
   * @param timeout how long the offsets may stay unstable (the transaction timeout and then some:
   *     the coordinator aborts a transaction its producer left open after it)
   */
  StableOffsets(Admin admin, String groupId, List<String> topics, Duration timeout) {
    this.admin = admin;
    this.groupId = groupId;
    this.topics = List.copyOf(topics);
    this.timeout = timeout;
  }

  /**
   * @return per input partition of {@code group} (its id) that has a committed offset, that offset
   * @throws UjiKafkaException if they cannot be read, or stay unstable, within the timeout
   */
  Map<String, Long> of(int group) {
    List<TopicPartition> tps = topics.stream().map(t -> new TopicPartition(t, group)).toList();
    Deadline deadline = Deadline.in(timeout);
    Backoff backoff = new Backoff(Duration.ofSeconds(1));
    List<TopicPartition> unstable = List.of();
    try {
      while (deadline.remainingMs() > 0) {
        Map<TopicPartition, OffsetAndMetadata> committed = deadline.await(admin.listConsumerGroupOffsets(
            Map.of(groupId, new ListConsumerGroupOffsetsSpec().topicPartitions(tps)),
            new ListConsumerGroupOffsetsOptions().requireStable(true).timeoutMs(deadline.remainingMs()))
            .partitionsToOffsetAndMetadata(groupId));
        unstable = new ArrayList<>(tps);
        unstable.removeAll(committed.keySet());
        if (unstable.isEmpty()) {
          Map<String, Long> out = new HashMap<>();
          committed.forEach((tp, o) -> {
            if (o != null) {
              out.put(PartitionIds.id(tp), o.offset());
            }
          });
          return out;
        }
        Thread.sleep(Math.min(backoff.nextMs(), Math.max(1, deadline.remainingMs())));
      }
    } catch (ExecutionException e) {
      throw new UjiKafkaException("Cannot read the stable committed offsets of key group " + group + " of group '"
          + groupId + "': " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      if (!unstable.isEmpty()) {
        throw unstable(unstable, group);
      }
      throw new UjiKafkaException("Cannot read the committed offsets of key group " + group + " of group '"
          + groupId + "' within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UjiKafkaException("Interrupted reading the committed offsets of key group " + group, e);
    }
    throw unstable(unstable, group);
  }

  private UjiKafkaException unstable(List<TopicPartition> partitions, int group) {
    return new UjiKafkaException("The committed offsets of " + partitions + " (key group " + group + " of group '"
        + groupId + "') stayed unstable for " + timeout + ": a transaction with offsets for them is still open");
  }
}
