package io.uji.engine.runtime;

import io.uji.engine.lineage.InputLineage;
import io.uji.engine.lineage.LegacyWalLineage;
import java.util.List;

/**
 * One entry of the lineage log: what batch {@code seq} at {@code timeMs} holds, per input node in
 * graph order (null for an input with nothing to replay). Written and forced before the batch
 * runs.
 *
 * @param seq the batch's number since the checkpoint directory was created (1, 2, ...), so a gap
 *     in the log (a lost record) can be told from a gap in time (downtime)
 * @param timeMs the batch time
 * @param zeroTimeMs the graph's zero time (window alignment survives restarts)
 * @param inputs per input node, its lineage
 */
public record BatchRecord(long seq, long timeMs, long zeroTimeMs, List<InputLineage> inputs) {

  /** @return this record with lineage of older formats turned into the current types */
  BatchRecord upgrade() {
    if (inputs.stream().noneMatch(l -> l instanceof LegacyWalLineage)) {
      return this;
    }
    List<InputLineage> current = new java.util.ArrayList<>(inputs.size());
    for (InputLineage l : inputs) {
      current.add(l instanceof LegacyWalLineage legacy ? legacy.upgrade() : l);
    }
    return new BatchRecord(seq, timeMs, zeroTimeMs, current);
  }
}
