package io.uji.kafka;

import io.uji.engine.cluster.ChangelogPositions;
import io.uji.engine.cluster.GroupStateAccess;
import io.uji.engine.cluster.StateChange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this instance's standby copies warm (design 8): reads the changelog partitions of its
 * standby key groups with read_committed (an aborted or open transaction, a fenced zombie's
 * writes included, is never applied) and applies them as stored bytes into the state store, into
 * groups the engine does not run; after each poll it records, per (operator, group), the position
 * the copy has reached in the same place the restorer reads it ({@link GroupProducer#restored}).
 * A standby that becomes active is then restored from that position: only the tail (design 7.3).
 *
 * <p>It runs on the membership thread, between the membership consumer's polls, not on a thread of
 * its own (design 16, M4): a group's copy is then changed by one thread only (tailed, promoted and
 * restored, or wiped), and the batches' path is not touched. Polls are bounded (one fetch's worth)
 * so the membership keeps polling. Not thread-safe.
 */
final class StandbyTailer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StandbyTailer.class);

  private final Map<String, Object> config;
  private final GroupStateAccess state;
  private final GroupProducer positions;
  /** Per operator, its changelog topic; and back. */
  private final Map<String, String> changelogs;
  private final Map<String, String> operatorOfTopic = new HashMap<>();
  private final Set<Integer> tailed = new TreeSet<>();
  private KafkaConsumer<byte[], byte[]> consumer;
  private volatile long appliedChanges; // written by the membership thread only

  /**
   * @param config the consumer properties (bootstrap, security); read_committed and assign mode
   *     are forced
   * @param positions where the copies' positions are kept (the member's producer)
   * @param changelogs per stateful operator, its changelog topic
   */
  StandbyTailer(Map<String, Object> config, String clientId, GroupStateAccess state, GroupProducer positions,
      Map<String, String> changelogs) {
    Map<String, Object> m = ClientConfigs.reader(new HashMap<>(config), clientId);
    m.put("max.poll.records", 10_000);
    m.put("fetch.max.wait.ms", 100);
    this.config = m;
    this.state = state;
    this.positions = positions;
    this.changelogs = Map.copyOf(changelogs);
    changelogs.forEach((op, topic) -> operatorOfTopic.put(topic, op));
  }

  /**
   * Makes the tailed groups {@code groups}. A group no longer tailed is left as it is when {@code
   * kept} holds it (it became active here: its restore continues the copy), else wiped and its
   * position forgotten. A group newly tailed continues its copy from its position, or is wiped
   * and read from the log start when it has none.
   */
  void tail(Set<Integer> groups, Set<Integer> kept) {
    if (groups.equals(tailed)) {
      return;
    }
    Set<Integer> dropped = new TreeSet<>(tailed);
    dropped.removeAll(groups);
    Set<Integer> added = new TreeSet<>(groups);
    added.removeAll(tailed);
    for (int g : dropped) {
      if (!kept.contains(g)) {
        wipe(g);
      }
    }
    tailed.clear();
    tailed.addAll(groups);
    List<TopicPartition> assignment = new ArrayList<>();
    for (int g : tailed) {
      changelogs.values().forEach(topic -> assignment.add(new TopicPartition(topic, g)));
    }
    if (consumer == null) {
      if (assignment.isEmpty()) {
        return;
      }
      consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
    consumer.assign(assignment); // the partitions kept keep their positions
    ChangelogPositions at = positions.positions();
    for (int g : added) {
      for (Map.Entry<String, String> e : changelogs.entrySet()) {
        TopicPartition tp = new TopicPartition(e.getValue(), g);
        long position = at.position(e.getKey(), g);
        if (position < 0) {
          fromLogStart(e.getKey(), tp);
        } else {
          consumer.seek(tp, position);
        }
      }
    }
    if (!added.isEmpty() || !dropped.isEmpty()) {
      LOG.info("Standby key groups now {} (added {}, dropped {})", tailed, added, dropped);
    }
  }

  /** @return whether any group is tailed */
  boolean active() {
    return !tailed.isEmpty();
  }

  /**
   * Reads what the standby groups' changelogs have, up to one fetch's worth or {@code wait}, and
   * applies it.
   */
  void step(Duration wait) {
    if (tailed.isEmpty()) {
      return;
    }
    ConsumerRecords<byte[], byte[]> records;
    try {
      records = consumer.poll(wait);
    } catch (OffsetOutOfRangeException e) { // the copy's position is gone (deleted records): start over
      for (TopicPartition tp : e.partitions()) {
        fromLogStart(operatorOfTopic.get(tp.topic()), tp);
      }
      return;
    }
    for (TopicPartition tp : records.partitions()) {
      String op = operatorOfTopic.get(tp.topic());
      List<StateChange> changes = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
        changes.add(ChangelogRestorer.change(op, r));
      }
      state.apply(op, tp.partition(), changes);
      appliedChanges += changes.size();
    }
    // the position passes aborted records and markers too; it is recorded after what precedes it is applied
    for (TopicPartition tp : consumer.assignment()) {
      positions.restored(operatorOfTopic.get(tp.topic()), tp.partition(), consumer.position(tp));
    }
  }

  /** Wipes {@code op}'s copy of the partition's group and reads it again from the log start. */
  private void fromLogStart(String op, TopicPartition tp) {
    // The position goes before the state: a local checkpoint never records a position with less state than it says
    positions.restored(op, tp.partition(), -1);
    state.wipe(op, tp.partition());
    long start = consumer.beginningOffsets(List.of(tp)).get(tp);
    positions.restored(op, tp.partition(), start);
    consumer.seek(tp, start);
  }

  private void wipe(int group) {
    for (String op : changelogs.keySet()) {
      positions.restored(op, group, -1); // before the state, as in fromLogStart
      state.wipe(op, group);
    }
  }

  /**
   * @return per key group that has a copy here for every operator, the sum of its positions (the
   *     subscription's lag information: a higher sum is a more caught-up copy)
   */
  SortedMap<Integer, Long> copies() {
    ChangelogPositions at = positions.positions();
    SortedMap<Integer, Long> out = new TreeMap<>();
    for (int g = 0; g < state.groups(); g++) {
      long sum = 0;
      for (String op : changelogs.keySet()) {
        long p = at.position(op, g);
        if (p < 0) {
          sum = -1;
          break;
        }
        sum += p;
      }
      if (sum >= 0) {
        out.put(g, sum);
      }
    }
    return out;
  }

  /** @return the changelog records applied to standby copies so far */
  long appliedChanges() {
    return appliedChanges;
  }

  @Override
  public void close() {
    if (consumer != null) {
      consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }
}
