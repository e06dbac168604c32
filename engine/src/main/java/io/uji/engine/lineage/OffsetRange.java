package io.uji.engine.lineage;

/**
 * A deterministic source's part of a batch: events {@code [from, until)}.
 *
 * @param from the first event's number
 * @param until one past the last event's number
 */
public record OffsetRange(long from, long until) implements InputLineage {}
