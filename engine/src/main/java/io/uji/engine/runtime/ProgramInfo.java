package io.uji.engine.runtime;

import java.util.List;

/**
 * What a checkpoint directory knows of the program that writes it from its first start on, so
 * that a program with another batch interval or other inputs is refused before its first
 * checkpoint as well as after (checkpoints carry the same and more). Kept in the directory's
 * {@code PROGRAM} file. Durable (Kryo): components never change.
 *
 * @param batchIntervalMs the batch interval
 * @param inputs the inputs in graph order
 */
record ProgramInfo(long batchIntervalMs, List<InputInfo> inputs) {
  ProgramInfo {
    inputs = List.copyOf(inputs);
  }
}
