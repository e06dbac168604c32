package io.uji.engine.runtime;

import java.util.List;

/**
 * The Kryo-serialized metadata of a local checkpoint in a group (docs/design/scale-out.md 7.1,
 * format 3): no lineage and no input positions (a group's input positions are its committed
 * offsets in Kafka), but per stateful operator and key group the changelog position the
 * checkpointed state equals. Durable: its components never change.
 *
 * @param formatVersion {@link #FORMAT_VERSION} of the writer
 * @param applicationId the group the context ran in (a checkpoint of another group is not used)
 * @param groups P, the number of key groups
 * @param capturedAtMs the wall time of the capture
 * @param batchTimeMs the time of the last committed batch the state holds (informational)
 * @param operators the stateful operators and their shapes, as in single-context checkpoints
 * @param positions per operator, its changelog topic id and positions
 * @param stateSequence the state store's sequence number in the checkpoint, checked on restore
 */
record GroupCheckpointMetadata(
    int formatVersion,
    String applicationId,
    int groups,
    long capturedAtMs,
    long batchTimeMs,
    List<OperatorInfo> operators,
    List<OperatorPositions> positions,
    long stateSequence) {

  /**
   * The format this version writes; 3, with the same fields, is still read. 4's state directory
   * may hold entries beside RocksDB's copy ({@link CheckpointMetadata#FORMAT_VERSION}), which
   * a reader of 3 would ignore: it does not use a checkpoint of format 4.
   */
  static final int FORMAT_VERSION = 4;
  /** The oldest format this version reads. */
  static final int OLDEST_READ_VERSION = 3;

  GroupCheckpointMetadata {
    operators = List.copyOf(operators);
    positions = List.copyOf(positions);
  }

  GroupCheckpointMetadata withStateSequence(long sequence) {
    return new GroupCheckpointMetadata(formatVersion, applicationId, groups, capturedAtMs, batchTimeMs, operators,
        positions, sequence);
  }

  /**
   * One operator's changelog positions: the state of key group g equals the changelog of topic
   * {@code topicId} partition g up to (excluding) {@code positions[g]}; -1 for no copy.
   * {@code reachedAfterMs[g]} is a wall time before which that position cannot have been reached
   * (a copy's age is at most now minus it: a copy older than the changelog's {@code
   * delete.retention.ms} may have missed a tombstone, design 7.2). A dormant copy keeps its old
   * position, and with it its old time, across checkpoints.
   */
  record OperatorPositions(String operator, String topicId, long[] positions, long[] reachedAfterMs) {}
}
