/**
 * Keyed state on RocksDB for stateful operators; knows nothing of streams. Start at {@link
 * io.uji.state.StateStore}. The only package of Uji that imports {@code org.rocksdb}.
 */
package io.uji.state;
