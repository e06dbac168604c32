package io.uji.engine.lineage;

import io.uji.checkpoint.LogPosition;
import java.util.List;

/**
 * A receiver's part of a batch: the write-ahead log positions of its blocks, in order, and how
 * many records each holds (so that damage to a logged block can be reported as the records it
 * loses).
 *
 * @param positions where each block is in the receiver's write-ahead log
 * @param recordCounts per block, its number of records; -1 where unknown (lineage written
 *     before counts were recorded, see {@link LegacyWalLineage})
 */
public record WalLineage(List<LogPosition> positions, List<Integer> recordCounts) implements InputLineage {
  /** @throws IllegalArgumentException if the two lists differ in length */
  public WalLineage {
    positions = List.copyOf(positions);
    recordCounts = List.copyOf(recordCounts);
    if (positions.size() != recordCounts.size()) {
      throw new IllegalArgumentException(positions.size() + " blocks but " + recordCounts.size() + " record counts");
    }
  }

  /** @return the last block's position, or null if the batch took no block */
  public LogPosition last() {
    return positions.isEmpty() ? null : positions.get(positions.size() - 1);
  }
}
