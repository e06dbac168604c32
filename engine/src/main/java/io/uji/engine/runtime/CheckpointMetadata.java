package io.uji.engine.runtime;

import java.util.List;
import java.util.Map;

/**
 * The Kryo-serialized metadata of one checkpoint (written atomically with a checksum next to the
 * RocksDB checkpoint of the state).
 *
 * @param formatVersion {@link #FORMAT_VERSION} of the writer
 * @param batchIntervalMs the context's batch interval
 * @param zeroTimeMs the graph's zero time
 * @param batchSeq the number of the last batch whose effects the state holds
 * @param batchTimeMs that batch's time
 * @param registryFingerprint the Kryo registry's fingerprint (informational)
 * @param operators the stateful operators and their shapes
 * @param inputKinds per input node, its class name (a program with other inputs cannot resume)
 * @param inputPositions per input index, where it stands after batch {@code batchSeq}: the last
 *     allocated WAL position (receivers), the next offset (generators), the files seen (file
 *     streams); an entry may be absent
 */
public record CheckpointMetadata(
    int formatVersion,
    long batchIntervalMs,
    long zeroTimeMs,
    long batchSeq,
    long batchTimeMs,
    String registryFingerprint,
    List<OperatorInfo> operators,
    List<String> inputKinds,
    Map<Integer, Object> inputPositions) {

  public static final int FORMAT_VERSION = 1;
}
