package io.uji.engine.lineage;

/**
 * What one input contributed to one batch, written to the lineage log before the batch runs so
 * that the batch can be rebuilt exactly after a crash: the write-ahead log positions of received
 * blocks, the offset range of a deterministic source, the names of files read. One kind per kind
 * of input; each input node reads only its own. These records are durable (Kryo, fixed ids in
 * {@code EngineSerialization}): their components never change.
 */
public sealed interface InputLineage permits WalLineage, LegacyWalLineage, OffsetRange, FilesLineage, PartitionRanges {}
