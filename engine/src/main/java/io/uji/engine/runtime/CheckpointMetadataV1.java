package io.uji.engine.runtime;

import io.uji.checkpoint.LogPosition;
import io.uji.engine.lineage.FilesSeen;
import io.uji.engine.lineage.InputPosition;
import io.uji.engine.lineage.NextOffset;
import io.uji.engine.lineage.WalPosition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The checkpoint metadata as written before checkpoints were verified (format 1): read only, to
 * resume directories written then. Its components and their order must never change (Kryo
 * writes them in this order). Format 1 named inputs and operators by their node classes and kept
 * positions untyped; {@link #upgrade()} turns them into the current stable names and types.
 */
record CheckpointMetadataV1(
    int formatVersion,
    long batchIntervalMs,
    long zeroTimeMs,
    long batchSeq,
    long batchTimeMs,
    String registryFingerprint,
    List<OperatorInfo> operators,
    List<String> inputKinds,
    Map<Integer, Object> inputPositions) {

  /** @return the same metadata in the current format; the state's sequence number is unknown */
  CheckpointMetadata upgrade() {
    List<OperatorInfo> ops = new ArrayList<>();
    for (OperatorInfo op : operators) {
      ops.add(new OperatorInfo(op.id(), operatorKind(op.kind()), op.numPartitions(), op.typeSignature()));
    }
    List<InputInfo> inputs = new ArrayList<>();
    List<InputPosition> positions = new ArrayList<>();
    for (int i = 0; i < inputKinds.size(); i++) {
      inputs.add(new InputInfo(inputKind(inputKinds.get(i)), ""));
      positions.add(position(inputPositions.get(i)));
    }
    return new CheckpointMetadata(formatVersion, batchIntervalMs, zeroTimeMs, batchSeq, batchTimeMs,
        registryFingerprint, ops, inputs, positions, CheckpointMetadata.UNKNOWN_SEQUENCE);
  }

  private static String operatorKind(String nodeClass) {
    return switch (nodeClass) {
      case "MapWithStateNode" -> "mapWithState";
      case "UpdateStateNode" -> "updateStateByKey";
      default -> nodeClass;
    };
  }

  private static String inputKind(String nodeClass) {
    return switch (nodeClass) {
      case "GeneratorInputNode" -> "generator";
      case "ReceiverInputNode" -> "receiver";
      case "FileInputNode" -> "files";
      case "QueueInputNode" -> "queue";
      default -> nodeClass;
    };
  }

  /** Format 1 kept a generator's next offset, a receiver's last log position or a file stream's names. */
  private static InputPosition position(Object legacy) {
    if (legacy instanceof Long offset) {
      return new NextOffset(offset);
    } else if (legacy instanceof LogPosition p) {
      return new WalPosition(p);
    } else if (legacy instanceof List<?> names) {
      return new FilesSeen(names.stream().map(String::valueOf).toList());
    }
    return null;
  }
}
