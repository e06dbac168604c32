package io.uji.engine.lineage;

import io.uji.checkpoint.LogPosition;
import java.util.List;

/**
 * A receiver's part of a batch: the write-ahead log positions of its blocks, in order.
 *
 * @param positions where each block is in the receiver's write-ahead log
 */
public record WalLineage(List<LogPosition> positions) implements InputLineage {
  public WalLineage {
    positions = List.copyOf(positions);
  }

  /** @return the last block's position, or null if the batch took no block */
  public LogPosition last() {
    return positions.isEmpty() ? null : positions.get(positions.size() - 1);
  }
}
