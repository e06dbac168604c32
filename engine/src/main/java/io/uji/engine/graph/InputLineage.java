package io.uji.engine.graph;

/**
 * How to rebuild one input of one batch after a crash: WAL positions of received blocks, an
 * offset range of a deterministic source, file names. Implementations are records registered
 * with fixed Kryo ids (they are written to the lineage log).
 */
public interface InputLineage {}
