package io.uji.kafka;

import io.uji.engine.cluster.ChangelogPositions;
import io.uji.engine.cluster.GroupStateAccess;
import java.util.Map;

/**
 * Prepares a key group this instance gained (design 7.3): waits for the group's committed input
 * offsets to be stable (no transaction with offsets for them open, KIP-447), which also means no
 * transaction that could still commit changelog records of the group is open; then restores the
 * group's state from the changelogs (continuing the local copy when it can); returns where its
 * input starts.
 */
final class GroupActivation {
  private final StableOffsets offsets;
  private final ChangelogRestorer restorer;
  private final GroupProducer producer;
  private final Map<String, String> changelogs;
  private final Map<String, String> topicIds;

  GroupActivation(StableOffsets offsets, ChangelogRestorer restorer, GroupProducer producer,
      Map<String, String> changelogs, Map<String, String> topicIds) {
    this.offsets = offsets;
    this.restorer = restorer;
    this.producer = producer;
    this.changelogs = Map.copyOf(changelogs);
    this.topicIds = Map.copyOf(topicIds);
  }

  /**
   * @return per input partition of {@code group} (its id), the committed offset to start from;
   *     partitions without a committed offset are absent (they start where the source says)
   * @throws UjiKafkaException if the offsets or the changelogs cannot be read
   */
  Map<String, Long> prepare(int group, GroupStateAccess state) {
    Map<String, Long> start = offsets.of(group);
    ChangelogPositions local = producer.positions();
    Map<String, Long> positions = restorer.restore(state, group, changelogs, topicIds, local,
        op -> producer.restored(op, group, -1));
    positions.forEach((op, p) -> producer.restored(op, group, p));
    producer.inputStarted(start);
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
}
