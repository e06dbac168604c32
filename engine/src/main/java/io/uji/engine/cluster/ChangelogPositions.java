package io.uji.engine.cluster;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the local state stands in each operator's changelog: for operator {@code op} and key group
 * {@code g}, the state of g equals the changelog of (op, g) up to (excluding) {@code
 * position(op)[g]}; -1 means no copy of g here. Recorded in group-mode checkpoints.
 *
 * @param topicIds per operator, the id of its changelog topic when the positions were taken (a
 *     recreated topic has another id, and the positions are then worthless)
 * @param positions per operator, one position per key group
 */
public record ChangelogPositions(Map<String, String> topicIds, Map<String, long[]> positions) {
  public ChangelogPositions {
    topicIds = Map.copyOf(topicIds);
    Map<String, long[]> copy = new TreeMap<>();
    positions.forEach((op, p) -> copy.put(op, p.clone()));
    positions = java.util.Collections.unmodifiableMap(copy);
  }

  /** @return no positions (nothing logged yet) */
  public static ChangelogPositions none() {
    return new ChangelogPositions(Map.of(), Map.of());
  }

  /** @return the position of {@code operator}'s group {@code group}, -1 when unknown */
  public long position(String operator, int group) {
    long[] p = positions.get(operator);
    return p == null || group >= p.length ? -1 : p[group];
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ChangelogPositions other) || !topicIds.equals(other.topicIds)
        || !positions.keySet().equals(other.positions.keySet())) {
      return false;
    }
    for (Map.Entry<String, long[]> e : positions.entrySet()) {
      if (!Arrays.equals(e.getValue(), other.positions.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = topicIds.hashCode();
    for (Map.Entry<String, long[]> e : positions.entrySet()) {
      h = 31 * h + e.getKey().hashCode() ^ Arrays.hashCode(e.getValue());
    }
    return h;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("ChangelogPositions{");
    positions.forEach((op, p) -> b.append(op).append('@').append(topicIds.get(op)).append('=')
        .append(Arrays.toString(p)).append(' '));
    return b.append('}').toString();
  }
}
