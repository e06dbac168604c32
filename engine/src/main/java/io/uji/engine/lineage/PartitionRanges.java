package io.uji.engine.lineage;

import java.util.List;

/**
 * A replayable source's part of a batch: per partition, the range of positions it takes.
 *
 * @param ranges the ranges, one per partition that contributed, in partition order
 */
public record PartitionRanges(List<Range> ranges) implements InputLineage {
  public PartitionRanges {
    ranges = List.copyOf(ranges);
  }

  /**
   * Positions {@code [from, until)} of one partition.
   *
   * @param partition the partition's stable name
   * @param from the first position taken
   * @param until one past the last position taken
   */
  public record Range(String partition, long from, long until) {
    /** @return the number of positions in the range */
    public long size() {
      return until - from;
    }
  }
}
