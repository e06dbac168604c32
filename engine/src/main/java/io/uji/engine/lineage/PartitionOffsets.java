package io.uji.engine.lineage;

import java.util.Map;
import java.util.TreeMap;

/**
 * A replayable source's position: per partition, the position after the last one taken.
 *
 * @param next per partition name, the next position to take
 */
public record PartitionOffsets(Map<String, Long> next) implements InputPosition {
  public PartitionOffsets {
    next = new TreeMap<>(next); // sorted: the same bytes for the same positions
  }
}
