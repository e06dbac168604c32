package io.uji.kafka;

import io.uji.streaming.SourcePartition;
import io.uji.streaming.SourceUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists the partitions of a subscription with their readable offsets, through the admin client
 * (thread-safe, and asking the broker every time, so a partition added a moment ago is seen at
 * once). The end of a partition is its last stable offset (read_committed): records of an open
 * transaction are not readable yet, and a range never ends inside one.
 */
final class PartitionLister {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionLister.class);

  private final Admin admin;
  private final Subscription subscription;
  private final Duration timeout;
  private final String bootstrap;
  private final Throttle missingTopicWarnings = Throttle.warnings();

  PartitionLister(Admin admin, Subscription subscription, Duration timeout, String bootstrap) {
    this.admin = admin;
    this.subscription = subscription;
    this.timeout = timeout;
    this.bootstrap = bootstrap;
  }

  /**
   * @return every partition now, with its first readable offset and its last stable offset
   * @throws SourceUnavailableException if the broker did not answer within the timeout
   */
  List<SourcePartition> list() {
    Deadline deadline = Deadline.in(timeout);
    try {
      List<TopicPartition> partitions = partitions(subscription.topics(admin, deadline), deadline);
      if (partitions.isEmpty()) {
        return List.of();
      }
      Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (TopicPartition tp : partitions) {
        earliest.put(tp, OffsetSpec.earliest());
        latest.put(tp, OffsetSpec.latest());
      }
      KafkaFuture<Map<TopicPartition, ListOffsetsResultInfo>> starts =
          admin.listOffsets(earliest, new ListOffsetsOptions().timeoutMs(deadline.remainingMs())).all();
      KafkaFuture<Map<TopicPartition, ListOffsetsResultInfo>> ends = admin.listOffsets(latest,
          new ListOffsetsOptions(IsolationLevel.READ_COMMITTED).timeoutMs(deadline.remainingMs())).all();
      Map<TopicPartition, ListOffsetsResultInfo> startOffsets = deadline.await(starts);
      Map<TopicPartition, ListOffsetsResultInfo> endOffsets = deadline.await(ends);
      List<SourcePartition> out = new ArrayList<>(partitions.size());
      for (TopicPartition tp : partitions) {
        long end = endOffsets.get(tp).offset();
        // Records up to the high watermark may be deleted while a transaction keeps the last
        // stable offset lower: never report a start past the end.
        long start = Math.min(startOffsets.get(tp).offset(), end);
        out.add(new SourcePartition(PartitionIds.id(tp), start, end));
      }
      return out;
    } catch (ExecutionException e) {
      throw unavailable(e.getCause());
    } catch (TimeoutException | RuntimeException e) {
      throw unavailable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable(e);
    }
  }

  /** The partitions of the topics that exist; a missing topic is warned about and has none. */
  private List<TopicPartition> partitions(Set<String> topics, Deadline deadline)
      throws ExecutionException, TimeoutException, InterruptedException {
    if (topics.isEmpty()) {
      return List.of();
    }
    Map<String, KafkaFuture<TopicDescription>> described =
        admin.describeTopics(topics, new DescribeTopicsOptions().timeoutMs(deadline.remainingMs())).topicNameValues();
    List<TopicPartition> out = new ArrayList<>();
    Set<String> missing = new TreeSet<>();
    for (Map.Entry<String, KafkaFuture<TopicDescription>> e : described.entrySet()) {
      try {
        for (TopicPartitionInfo p : deadline.await(e.getValue()).partitions()) {
          out.add(new TopicPartition(e.getKey(), p.partition()));
        }
      } catch (ExecutionException failure) {
        if (!(failure.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw failure;
        }
        missing.add(e.getKey());
      }
    }
    if (!missing.isEmpty() && missingTopicWarnings.allow()) {
      LOG.warn("Kafka at {} has no topic {} (yet): {} reads its partitions from their start once it is created",
          bootstrap, missing, subscription.identity());
    }
    return out;
  }

  private SourceUnavailableException unavailable(Throwable cause) {
    return new SourceUnavailableException("Kafka at " + bootstrap + " did not list the partitions of "
        + subscription.identity() + " within " + timeout.toMillis() + " ms: " + cause, cause);
  }
}
