package io.uji.engine.runtime;

import java.util.List;
import java.util.Map;

/**
 * The checkpoint metadata as written before checkpoints were verified (format 1): read only, to
 * resume directories written then. Its components and their order must never change (Kryo
 * writes them in this order).
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
    return new CheckpointMetadata(formatVersion, batchIntervalMs, zeroTimeMs, batchSeq, batchTimeMs,
        registryFingerprint, operators, inputKinds, inputPositions, CheckpointMetadata.UNKNOWN_SEQUENCE);
  }
}
