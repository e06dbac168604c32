package io.uji.engine.runtime;

import io.uji.engine.lineage.InputPosition;
import java.util.ArrayList;
import java.util.List;

/**
 * The Kryo-serialized metadata of one checkpoint (written atomically with a checksum next to the
 * RocksDB checkpoint of the state). Durable: its components never change; a new format gets a
 * new record (format 1 is {@link CheckpointMetadataV1}).
 *
 * @param formatVersion {@link #FORMAT_VERSION} of the writer
 * @param batchIntervalMs the context's batch interval
 * @param zeroTimeMs the graph's zero time
 * @param batchSeq the number of the last batch whose effects the state holds
 * @param batchTimeMs that batch's time
 * @param registryFingerprint the Kryo registry's fingerprint (informational)
 * @param operators the stateful operators and their shapes
 * @param inputs per input node in graph order, its kind and identity (a program with other
 *     inputs cannot resume)
 * @param inputPositions per input node in graph order, where it stands after batch {@code
 *     batchSeq}; null for an input that took nothing replayable yet
 * @param stateSequence the state store's sequence number in the checkpoint ({@code
 *     StateSnapshot.writeTo}), checked against the restored store: a checkpoint whose files were
 *     damaged can open as an older state; {@link #UNKNOWN_SEQUENCE} without a state store or for
 *     a format 1 checkpoint
 */
public record CheckpointMetadata(
    int formatVersion,
    long batchIntervalMs,
    long zeroTimeMs,
    long batchSeq,
    long batchTimeMs,
    String registryFingerprint,
    List<OperatorInfo> operators,
    List<InputInfo> inputs,
    List<InputPosition> inputPositions,
    long stateSequence) {

  /**
   * The format this version writes. Format 1 ({@link CheckpointMetadataV1}) and 2 are still read.
   * Format 3 has the same fields as 2; its state directory may hold the state store's file of
   * entries kept beside RocksDB's copy (io.uji.state's {@code DirtyEntriesFile}), which a reader
   * of format 2 would ignore and so restore an older state: such a reader refuses format 3.
   */
  public static final int FORMAT_VERSION = 3;
  /** {@link #stateSequence} when there is none to check. */
  public static final long UNKNOWN_SEQUENCE = -1;

  public CheckpointMetadata {
    operators = List.copyOf(operators);
    inputs = List.copyOf(inputs);
    inputPositions = new ArrayList<>(inputPositions); // may hold nulls
  }

  /** @return this metadata with the state's sequence number, known once the state is written */
  CheckpointMetadata withStateSequence(long sequence) {
    return new CheckpointMetadata(formatVersion, batchIntervalMs, zeroTimeMs, batchSeq, batchTimeMs,
        registryFingerprint, operators, inputs, inputPositions, sequence);
  }
}
