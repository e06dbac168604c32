package io.uji.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
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
 * Committed offsets read only once stable (KIP-447): no transaction with an offset commit for them
 * is open any more. For a key group (design 7.3 step 2) that also means no transaction that could
 * still commit the group's changelog records is open.
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
   * @param timeout how long a key group's offsets may stay unstable (the transaction timeout and
   *     then some: the coordinator aborts a transaction its producer left open after it)
   */
  StableOffsets(Admin admin, String groupId, List<String> topics, Duration timeout) {
    this.admin = admin;
    this.groupId = groupId;
    this.topics = List.copyOf(topics);
    this.timeout = timeout;
  }

  /**
   * @return per input partition of key group {@code group} (its id) that has a committed offset,
   *     that offset
   * @throws UjiKafkaException if they cannot be read, or stay unstable, within the timeout
   */
  Map<String, Long> of(int group) {
    List<TopicPartition> tps = topics.stream().map(t -> new TopicPartition(t, group)).toList();
    try {
      Map<String, Long> out = new HashMap<>();
      fetch(admin, groupId, tps, Deadline.in(timeout)).forEach((tp, o) -> {
        if (o != null) {
          out.put(PartitionIds.id(tp), o.offset());
        }
      });
      return out;
    } catch (ExecutionException e) {
      throw new UjiKafkaException("Cannot read the stable committed offsets of key group " + group + " of group '"
          + groupId + "': " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new UjiKafkaException("Key group " + group + " of group '" + groupId + "': " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UjiKafkaException("Interrupted reading the committed offsets of key group " + group, e);
    }
  }

  /**
   * @return every partition of {@code partitions} with its committed offset, null for none, once
   *     none of them has an offset commit pending
   * @throws TimeoutException if the deadline passes first (naming the partitions still unstable)
   */
  static Map<TopicPartition, OffsetAndMetadata> fetch(Admin admin, String groupId,
      Collection<TopicPartition> partitions, Deadline deadline)
      throws ExecutionException, TimeoutException, InterruptedException {
    Backoff backoff = new Backoff(Duration.ofSeconds(1));
    List<TopicPartition> unstable = List.of();
    while (true) {
      Map<TopicPartition, OffsetAndMetadata> committed;
      try {
        committed = deadline.await(admin.listConsumerGroupOffsets(
            Map.of(groupId, new ListConsumerGroupOffsetsSpec().topicPartitions(List.copyOf(partitions))),
            new ListConsumerGroupOffsetsOptions().requireStable(true).timeoutMs(deadline.remainingMs()))
            .partitionsToOffsetAndMetadata(groupId));
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException)) {
          throw e;
        }
        throw unstable.isEmpty()
            ? new TimeoutException("the committed offsets of " + partitions + " could not be read in time: "
                + e.getCause().getMessage())
            : stillUnstable(unstable);
      } catch (TimeoutException e) {
        throw unstable.isEmpty()
            ? new TimeoutException("the committed offsets of " + partitions + " could not be read in time")
            : stillUnstable(unstable);
      }
      unstable = new ArrayList<>(partitions);
      unstable.removeAll(committed.keySet());
      if (unstable.isEmpty()) {
        return committed;
      }
      if (deadline.passed()) {
        throw stillUnstable(unstable);
      }
      Thread.sleep(Math.min(backoff.nextMs(), deadline.remainingMs()));
    }
  }

  private static TimeoutException stillUnstable(List<TopicPartition> unstable) {
    return new TimeoutException("the committed offsets of " + unstable + " stayed unstable: a transaction with"
        + " offsets for them is still open");
  }
}
