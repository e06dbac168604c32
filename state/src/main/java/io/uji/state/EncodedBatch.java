package io.uji.state;

/**
 * A RocksDB write batch in its serialized form ({@link WriteBatchEncoder}), not yet written.
 *
 * @param rep the batch's bytes, as {@code new WriteBatch(byte[])} takes them
 * @param count the number of records encoded, checked against what RocksDB parses
 */
record EncodedBatch(byte[] rep, int count) {}
