package io.uji.engine.cluster;

/**
 * One source partition's part of a batch.
 *
 * @param partition the source partition's id (as listed by {@link KeyedSourceSpec#partitions})
 * @param group the key group it belongs to
 * @param from the first position read
 * @param until one past the last position read: the position to commit
 */
public record InputRange(String partition, int group, long from, long until) {}
