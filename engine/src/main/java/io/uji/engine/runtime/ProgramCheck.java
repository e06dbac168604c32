package io.uji.engine.runtime;

import io.uji.engine.graph.InputNode;
import io.uji.engine.graph.StatefulNode;
import io.uji.engine.graph.StreamGraph;
import io.uji.streaming.StreamingException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks that the program being started is the one that wrote a checkpoint directory: the same
 * batch interval, the same inputs (kind and identity, in order) and, against a checkpoint, the
 * same stateful operators. Any difference is an error naming it in the user's terms: resuming
 * would rebuild batches from other data or restore state into other operators.
 */
final class ProgramCheck {
  private ProgramCheck() {}

  /** @return the program's description as the directory's PROGRAM file keeps it */
  static ProgramInfo describe(StreamGraph graph) {
    return new ProgramInfo(graph.batchInterval().milliseconds(),
        graph.inputs().stream().map(InputInfo::of).toList());
  }

  /**
   * @param where what recorded the expectations ("the checkpoint in /dir", ...)
   * @throws StreamingException if the batch interval or the inputs differ
   */
  static void batchIntervalAndInputs(long batchIntervalMs, List<InputInfo> recorded, StreamGraph graph, String where) {
    if (batchIntervalMs != graph.batchInterval().milliseconds()) {
      throw new StreamingException(where + " was written with a batch interval of " + batchIntervalMs
          + " ms; the program uses " + graph.batchInterval().milliseconds() + " ms. A checkpoint directory can only be"
          + " resumed with its batch interval");
    }
    List<InputNode<?, ?, ?>> inputs = graph.inputs();
    if (inputs.size() != recorded.size()) {
      throw new StreamingException("The program has " + inputs.size() + " input streams but " + where + " was written"
          + " by a program with " + recorded.size() + " " + recorded.stream().map(InputInfo::describe).toList()
          + ": a checkpoint directory can only be resumed by the program that wrote it; use another directory");
    }
    for (int i = 0; i < inputs.size(); i++) {
      InputInfo mine = InputInfo.of(inputs.get(i));
      InputInfo theirs = recorded.get(i);
      boolean sameIdentity = theirs.identity().isEmpty() || mine.identity().equals(theirs.identity());
      if (!mine.kind().equals(theirs.kind()) || !sameIdentity) {
        throw new StreamingException("The program's input streams differ from those of " + where + ": input "
            + (i + 1) + " is " + mine.describe() + " in the program but " + theirs.describe() + " in the directory. "
            + "Its batches would be rebuilt from other data: a checkpoint directory can only be resumed by the"
            + " program that wrote it; use another directory");
      }
    }
  }

  /**
   * @throws StreamingException if an operator is missing, added, or of another kind or shape
   */
  static void operators(List<OperatorInfo> recorded, StreamGraph graph, String where) {
    Map<String, OperatorInfo> saved = new HashMap<>();
    for (OperatorInfo op : recorded) {
      saved.put(op.id(), op);
    }
    for (StatefulNode s : graph.statefulNodes()) {
      OperatorInfo op = saved.remove(s.stateId());
      if (op == null) {
        throw new StreamingException("The stateful operator '" + s.stateId() + "' is not in " + where
            + " (it has " + recorded.stream().map(OperatorInfo::id).toList()
            + "); name stateful operators with .name(...) so they keep their ids across program changes");
      }
      if (!op.kind().equals(s.kind()) || op.numPartitions() != s.numPartitions()) {
        throw new StreamingException("The stateful operator '" + s.stateId() + "' was a " + op.kind() + " with "
            + op.numPartitions() + " partitions in " + where + "; the program has a " + s.kind()
            + " with " + s.numPartitions() + " partitions");
      }
    }
    if (!saved.isEmpty()) {
      throw new StreamingException(where + " has state for operators " + saved.keySet()
          + " that the program no longer has; refusing to drop their state silently");
    }
  }
}
