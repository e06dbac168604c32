package io.uji.kafka;

import io.uji.engine.cluster.KeyedSourceSpec;
import io.uji.streaming.Pair;
import io.uji.streaming.SourcePartition;
import io.uji.streaming.SourceUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * A group's keyed input (the engine's {@link KeyedSourceSpec}): key group g is partition g of
 * every input topic, listed per group for the groups running here, and read by offset range with
 * the same reader, consumers and read_committed semantics as {@link KafkaSource} (which it uses
 * for reading). Records become pairs of their key and value.
 */
final class KeyedGroupSource<K, V> implements KeyedSourceSpec<Pair<K, V>> {
  private final KafkaSource<K, V> reader;
  private final Map<String, Object> adminProperties;
  private final List<String> topics;
  private final Duration timeout;
  private volatile Admin admin;
  private volatile int groups = -1;

  /**
   * @param reader a source over the same topics (no group id), used for its reading only
   * @param adminProperties connection and security properties
   */
  KeyedGroupSource(KafkaSource<K, V> reader, Map<String, Object> adminProperties, List<String> topics,
      Duration timeout) {
    this.reader = reader;
    this.adminProperties = Map.copyOf(adminProperties);
    this.topics = List.copyOf(topics);
    this.timeout = timeout;
  }

  @Override
  public String identity() {
    return "kafka-group" + topics;
  }

  /**
   * @return P, the partition count the input topics share, read once
   * @throws UjiKafkaException if a topic is missing or their partition counts differ
   */
  @Override
  public int groups() {
    int p = groups;
    if (p < 0) {
      synchronized (this) {
        if (groups < 0) {
          groups = describeGroups();
        }
        p = groups;
      }
    }
    return p;
  }

  private int describeGroups() {
    try (Admin a = Admin.create(ClientConfigs.admin(adminProperties, "uji-group-source-describe"))) {
      Map<String, TopicDescription> d = a.describeTopics(topics).allTopicNames().get(timeout.toMillis(),
          java.util.concurrent.TimeUnit.MILLISECONDS);
      Map<String, Integer> counts = new java.util.TreeMap<>();
      d.forEach((t, desc) -> counts.put(t, desc.partitions().size()));
      if (new java.util.HashSet<>(counts.values()).size() != 1) {
        throw new UjiKafkaException("The input topics of a group must have the same number of partitions"
            + " (a key group is partition g of every topic), but they have " + counts);
      }
      return counts.values().iterator().next();
    } catch (ExecutionException e) {
      throw new UjiKafkaException("Cannot describe the group's input topics " + topics + ": "
          + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new UjiKafkaException("Cannot describe the group's input topics " + topics + " within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UjiKafkaException("Interrupted describing " + topics, e);
    }
  }

  @Override
  public void start() {
    reader.start();
    admin = Admin.create(ClientConfigs.admin(adminProperties, "uji-group-source"));
  }

  @Override
  public List<SourcePartition> partitions(int group) {
    Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (String t : topics) {
      TopicPartition tp = new TopicPartition(t, group);
      earliest.put(tp, OffsetSpec.earliest());
      latest.put(tp, OffsetSpec.latest());
    }
    Deadline deadline = Deadline.in(timeout);
    try {
      KafkaFuture<Map<TopicPartition, ListOffsetsResultInfo>> starts =
          admin.listOffsets(earliest, new ListOffsetsOptions().timeoutMs(deadline.remainingMs())).all();
      KafkaFuture<Map<TopicPartition, ListOffsetsResultInfo>> ends = admin.listOffsets(latest,
          new ListOffsetsOptions(IsolationLevel.READ_COMMITTED).timeoutMs(deadline.remainingMs())).all();
      Map<TopicPartition, ListOffsetsResultInfo> s = deadline.await(starts);
      Map<TopicPartition, ListOffsetsResultInfo> e = deadline.await(ends);
      List<SourcePartition> out = new ArrayList<>();
      for (String t : topics) {
        TopicPartition tp = new TopicPartition(t, group);
        long end = e.get(tp).offset();
        out.add(new SourcePartition(PartitionIds.id(tp), Math.min(s.get(tp).offset(), end), end));
      }
      return out;
    } catch (ExecutionException ex) {
      throw new SourceUnavailableException("Cannot list key group " + group + " of " + topics + ": "
          + ex.getCause(), ex.getCause());
    } catch (TimeoutException | RuntimeException ex) {
      throw new SourceUnavailableException("Cannot list key group " + group + " of " + topics + ": " + ex, ex);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new SourceUnavailableException("Interrupted listing key group " + group, ex);
    }
  }

  @Override
  public List<Pair<K, V>> read(String partition, long from, long until) {
    List<KafkaRecord<K, V>> records = reader.read(partition, from, until);
    List<Pair<K, V>> out = new ArrayList<>(records.size());
    for (KafkaRecord<K, V> r : records) {
      out.add(Pair.of(r.key(), r.value()));
    }
    return out;
  }

  @Override
  public long maxRatePerPartition() {
    return reader.maxRatePerPartition();
  }

  @Override
  public void stop() {
    reader.stop();
    Admin a = admin;
    if (a != null) {
      a.close(Duration.ofSeconds(5));
    }
  }
}
