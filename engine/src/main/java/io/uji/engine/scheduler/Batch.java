package io.uji.engine.scheduler;

import io.uji.engine.lineage.InputLineage;
import io.uji.engine.graph.InputNode;
import io.uji.streaming.Time;
import java.util.List;

/**
 * One generated batch: its number, time, when it was queued, and per input node (in graph order)
 * what it holds.
 *
 * @param seq the batch's number (1, 2, ...; continues across restarts with a checkpoint directory)
 * @param replay true when rebuilt from the lineage log after a crash
 */
public record Batch(long seq, Time time, long submissionTime, List<InputNode.Allocation<?>> inputs, boolean replay) {

  public long recordCount() {
    long n = 0;
    for (InputNode.Allocation<?> a : inputs) {
      n += Math.max(0, a.recordCount());
    }
    return n;
  }

  /** @return the lineage of each input, in graph order (null entries for unreliable inputs) */
  public List<InputLineage> lineage() {
    return inputs.stream().map(InputNode.Allocation::lineage).toList();
  }
}
