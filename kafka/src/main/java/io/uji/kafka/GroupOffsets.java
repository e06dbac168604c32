package io.uji.kafka;

import io.uji.streaming.SourceUnavailableException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The source's consumer group in Kafka: where it stood (a partition Uji has never read starts at
 * the group's committed offset, as Spark's direct stream does), and the offsets of completed
 * batches, committed so that lag tools show them. Uji's own truth is its checkpoint.
 *
 * <p>Commits are asynchronous and the newest wins: a batch never waits for one, at most one is in
 * flight, and the offsets of batches completed meanwhile are sent together when it returns. The
 * group must be Uji's alone (the admin client commits for a group with no active member).
 */
final class GroupOffsets {
  private static final Logger LOG = LoggerFactory.getLogger(GroupOffsets.class);

  private final Admin admin;
  private final String groupId;
  private final Duration timeout;
  private final String bootstrap;
  private final Throttle failureWarnings = Throttle.warnings();
  private Map<TopicPartition, OffsetAndMetadata> pending;
  private boolean inFlight;

  GroupOffsets(Admin admin, String groupId, Duration timeout, String bootstrap) {
    this.admin = admin;
    this.groupId = groupId;
    this.timeout = timeout;
    this.bootstrap = bootstrap;
  }

  /**
   * @return the group's committed offset of each of {@code partitions} that has one, by partition id
   * @throws SourceUnavailableException if the broker did not answer within the timeout
   */
  Map<String, Long> committed(Collection<TopicPartition> partitions) {
    Deadline deadline = Deadline.in(timeout);
    try {
      Map<TopicPartition, OffsetAndMetadata> offsets = StableOffsets.fetch(admin, groupId, partitions, deadline);
      Map<String, Long> out = new HashMap<>();
      offsets.forEach((tp, o) -> {
        if (o != null) {
          out.put(PartitionIds.id(tp), o.offset());
        }
      });
      return out;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new SourceUnavailableException("Kafka at " + bootstrap + " did not return the committed offsets of group "
          + groupId + " within " + timeout.toMillis() + " ms: " + cause, cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SourceUnavailableException("Interrupted while reading the committed offsets of group " + groupId, e);
    }
  }

  /** Commits {@code next} (partition id to the offset after the last processed record), asynchronously. */
  void commit(Map<String, Long> next) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    next.forEach((id, offset) -> offsets.put(PartitionIds.parse(id), new OffsetAndMetadata(offset)));
    synchronized (this) {
      pending = offsets;
      if (inFlight) {
        return; // sent when the commit in flight returns
      }
      inFlight = true;
    }
    sendPending();
  }

  private void sendPending() {
    Map<TopicPartition, OffsetAndMetadata> offsets;
    synchronized (this) {
      offsets = pending;
      pending = null;
      if (offsets == null) {
        inFlight = false;
        return;
      }
    }
    try {
      admin.alterConsumerGroupOffsets(groupId, offsets,
              new AlterConsumerGroupOffsetsOptions().timeoutMs((int) timeout.toMillis()))
          .all().whenComplete((ignored, failure) -> {
            if (failure != null) {
              warn(offsets, failure);
            }
            sendPending();
          });
    } catch (RuntimeException e) { // the admin client was closed: the source stopped
      warn(offsets, e);
      synchronized (this) {
        inFlight = false;
      }
    }
  }

  private void warn(Map<TopicPartition, OffsetAndMetadata> offsets, Throwable failure) {
    if (failureWarnings.allow()) {
      LOG.warn("Could not commit the offsets of completed batches {} as group {} at {} ({}); lag tools show older "
          + "offsets until a later commit succeeds (Uji's checkpoints hold the positions anyway)",
          offsets, groupId, bootstrap, failure.toString());
    }
  }
}
