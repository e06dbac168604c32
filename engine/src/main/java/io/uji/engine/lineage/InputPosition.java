package io.uji.engine.lineage;

/**
 * Where one input stands after a batch: what a checkpoint records so that, after the batches
 * logged after it are replayed, the input continues exactly where the last of them left it.
 * One kind per kind of input. Durable (Kryo, fixed ids in {@code EngineSerialization}).
 */
public sealed interface InputPosition permits WalPosition, NextOffset, FilesSeen, PartitionOffsets {}
