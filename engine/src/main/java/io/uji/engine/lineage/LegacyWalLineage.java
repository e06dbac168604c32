package io.uji.engine.lineage;

import io.uji.checkpoint.LogPosition;
import java.util.Collections;
import java.util.List;

/**
 * A receiver's part of a batch as lineage logs written before record counts were kept hold it:
 * read only, and turned into a {@link WalLineage} as soon as it is read ({@link #upgrade()}).
 * Its components never change (Kryo writes them in this order).
 *
 * @param positions where each block is in the receiver's write-ahead log
 */
public record LegacyWalLineage(List<LogPosition> positions) implements InputLineage {
  /** @return the same blocks, their record counts unknown */
  public WalLineage upgrade() {
    return new WalLineage(positions, Collections.nCopies(positions.size(), -1));
  }
}
