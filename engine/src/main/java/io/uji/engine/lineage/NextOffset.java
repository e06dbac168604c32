package io.uji.engine.lineage;

/**
 * A deterministic source's position: the number of the next event to take.
 *
 * @param offset the next event's number
 */
public record NextOffset(long offset) implements InputPosition {}
