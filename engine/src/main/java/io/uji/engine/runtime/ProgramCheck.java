package io.uji.engine.runtime;

import io.uji.engine.graph.InputNode;
import io.uji.engine.graph.StatefulNode;
import io.uji.engine.graph.StreamGraph;
import io.uji.streaming.StreamingException;
import java.util.List;

/**
 * Checks that the program being started is the one that wrote a checkpoint directory: the same
 * batch interval, the same inputs (kind and identity, in order) and, against a checkpoint,
 * stateful operators of the same shape (which operator takes which state is {@link
 * StateMigration}'s). Any difference is an error naming it in the user's terms: resuming would
 * rebuild batches from other data or restore state into other operators.
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
   * Checks that a program's stateful operator can take the state a checkpoint recorded for it.
   *
   * @param recorded the checkpoint's operator (under the program's id or a former one)
   * @throws StreamingException if it was of another kind
   */
  static void sameShape(OperatorInfo recorded, StatefulNode s, String where) {
    // The number of key groups is the state's own (recorded with it, kept on restore), so a
    // program with another parallelism takes the same state: only the kind must match.
    if (!recorded.kind().equals(s.kind())) {
      String renamed = recorded.id().equals(s.stateId()) ? "" : " (formerly '" + recorded.id() + "')";
      throw new StreamingException("The stateful operator '" + s.stateId() + "'" + renamed + " was a "
          + recorded.kind() + " in " + where + "; the program has a " + s.kind());
    }
  }
}
