package io.uji.engine.input;

import io.uji.engine.graph.InputLineage;

/** A deterministic source's part of a batch: events {@code [from, until)}. */
public record OffsetRange(long from, long until) implements InputLineage {}
