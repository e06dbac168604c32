package io.uji.streaming;

import io.uji.engine.cluster.KeyedSourceSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A keyed input in memory for group tests: {@code groups} partitions of (key, value) records per
 * topic, positions are list indexes; source partition ids are {@code topic-g}.
 */
final class MemoryKeyedSource implements KeyedSourceSpec<Pair<String, Long>> {
  private final String identity;
  private final int groups;
  private final List<String> topics;
  final Map<String, List<Pair<String, Long>>> log = new ConcurrentHashMap<>();
  final AtomicBoolean unavailable = new AtomicBoolean();
  volatile long maxRate;

  MemoryKeyedSource(String identity, int groups, String... topics) {
    this.identity = identity;
    this.groups = groups;
    this.topics = List.of(topics.length == 0 ? new String[] {identity} : topics);
  }

  static String id(String topic, int group) {
    return topic + "-" + group;
  }

  void append(String topic, int group, String key, long value) {
    log.computeIfAbsent(id(topic, group), p -> new CopyOnWriteArrayList<>()).add(Pair.of(key, value));
  }

  void append(int group, String key, long value) {
    append(topics.get(0), group, key, value);
  }

  @Override
  public String identity() {
    return identity;
  }

  @Override
  public int groups() {
    return groups;
  }

  @Override
  public List<SourcePartition> partitions(int group) {
    if (unavailable.get()) {
      throw new SourceUnavailableException("memory keyed source switched off", null);
    }
    List<SourcePartition> out = new ArrayList<>();
    for (String t : topics) {
      out.add(new SourcePartition(id(t, group), 0, log.getOrDefault(id(t, group), List.of()).size()));
    }
    return out;
  }

  @Override
  public List<Pair<String, Long>> read(String partition, long from, long until) {
    return new ArrayList<>(log.get(partition).subList((int) from, (int) until));
  }

  @Override
  public long maxRatePerPartition() {
    return maxRate;
  }
}
