package io.uji.engine.hooks;

import io.uji.streaming.BatchInfo;
import java.util.List;

/**
 * One batch as the engine saw it: the listener's {@link BatchInfo} plus what only the engine
 * knows.
 *
 * @param info times and records, as listeners get them
 * @param seq the batch's number (continues across restarts with a checkpoint directory)
 * @param replayed true when the batch was rebuilt from the lineage log after a crash
 * @param inputRecords records per input, in the order of {@link ContextView#inputs()}
 */
public record BatchReport(BatchInfo info, long seq, boolean replayed, List<Long> inputRecords) {
  public BatchReport {
    inputRecords = List.copyOf(inputRecords);
  }
}
