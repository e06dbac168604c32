package io.uji.engine.input;

import io.uji.engine.graph.InputLineage;
import java.util.List;

/** A receiver's part of a batch: the write-ahead log positions of its blocks, in order. */
public record WalLineage(List<Object> positions) implements InputLineage {}
