package io.uji.kafka;

import java.time.Duration;
import java.util.ArrayList;
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
 * Reads a group's committed offsets once they are stable (KIP-447: no transaction holding offsets
 * for them is open). The broker answers a partition with a pending transactional commit with
 * {@code UNSTABLE_OFFSET_COMMIT}, and Kafka's admin client does not retry that: it logs "Skipping
 * return offset" and leaves the partition out of the result, while a partition without any
 * committed offset comes back with a null value. Read naively, the first looks like the second,
 * and a key group taken over from a crashed instance whose transaction was still open would start
 * at {@code auto.offset.reset} on top of its restored state (found by the kafka-failover
 * benchmark). So a partition left out is asked for again until it is answered or the timeout ends.
 */
final class StableOffsets {
  private final Admin admin;
  private final String groupId;
  private final Duration timeout;

  StableOffsets(Admin admin, String groupId, Duration timeout) {
    this.admin = admin;
    this.groupId = groupId;
    this.timeout = timeout;
  }

  /**
   * @return per partition (its id), the committed offset; partitions without one are absent
   * @throws UjiKafkaException if they cannot be read, or a transaction holding offsets for one of
   *     them stays open for the timeout
   */
  Map<String, Long> committed(List<TopicPartition> partitions) {
    Deadline deadline = Deadline.in(timeout);
    long endNanos = System.nanoTime() + timeout.toNanos();
    Backoff backoff = new Backoff(Duration.ofSeconds(1));
    Map<String, Long> out = new HashMap<>();
    List<TopicPartition> asked = new ArrayList<>(partitions);
    while (true) {
      Map<TopicPartition, OffsetAndMetadata> answer = fetch(asked, deadline);
      List<TopicPartition> unstable = new ArrayList<>();
      for (TopicPartition tp : asked) {
        if (!answer.containsKey(tp)) {
          unstable.add(tp);
        } else if (answer.get(tp) != null) {
          out.put(PartitionIds.id(tp), answer.get(tp).offset());
        }
      }
      if (unstable.isEmpty()) {
        return out;
      }
      if (System.nanoTime() >= endNanos) {
        throw new UjiKafkaException("The committed offsets of " + unstable + " in group '" + groupId
            + "' stayed unstable (a transaction holding offsets for them is open) for " + timeout);
      }
      asked = unstable;
      try {
        TimeUnit.MILLISECONDS.sleep(Math.min(backoff.nextMs(), deadline.remainingMs())); // a retry's backoff
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UjiKafkaException("Interrupted reading the committed offsets of group '" + groupId + "'", e);
      }
    }
  }

  private Map<TopicPartition, OffsetAndMetadata> fetch(List<TopicPartition> tps, Deadline deadline) {
    try {
      return deadline.await(admin.listConsumerGroupOffsets(
          Map.of(groupId, new ListConsumerGroupOffsetsSpec().topicPartitions(tps)),
          new ListConsumerGroupOffsetsOptions().requireStable(true).timeoutMs(deadline.remainingMs()))
          .partitionsToOffsetAndMetadata(groupId));
    } catch (ExecutionException e) {
      throw new UjiKafkaException("Cannot read the stable committed offsets of " + tps + " in group '" + groupId
          + "': " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new UjiKafkaException("Cannot read the stable committed offsets of " + tps + " in group '" + groupId
          + "' within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UjiKafkaException("Interrupted reading the committed offsets of group '" + groupId + "'", e);
    }
  }
}
