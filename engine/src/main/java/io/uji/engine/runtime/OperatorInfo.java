package io.uji.engine.runtime;

/**
 * A stateful operator as recorded in a checkpoint, to check that a restarted program still has
 * it with the same shape.
 *
 * @param id the stable id
 * @param kind the operator's stable kind ("mapWithState", "updateStateByKey"); format 1 wrote the
 *     node class (see {@link CheckpointMetadataV1})
 * @param numPartitions state partitions (the key layout depends on it)
 * @param typeSignature "keyClass/stateClass" seen when the checkpoint was taken, or null
 */
public record OperatorInfo(String id, String kind, int numPartitions, String typeSignature) {}
