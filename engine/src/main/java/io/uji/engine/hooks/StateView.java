package io.uji.engine.hooks;

/**
 * One stateful operator as it is now.
 *
 * @param id its stable id (its name, or the derived one): the name of its SQL table and of its
 *     queryable state
 * @param kind "mapWithState" or "updateStateByKey"
 * @param partitions its number of state partitions
 * @param keyType the declared or first observed key class name, or null before any key
 * @param stateType the declared or first observed state class name, or null before any state
 * @param approximateKeys the number of keys, exact while every partition's cache holds all its
 *     keys, else RocksDB's estimate plus the keys only cached; -1 before start
 * @param cacheHits lookups of a batch's keys answered by the heap cache, since start
 * @param cacheMisses lookups that read RocksDB, since start
 * @param sstBytes the size of its RocksDB SST files (its column families)
 * @param nativeMemoryBytes its memtables and table readers in RocksDB (the shared block cache is
 *     in {@link ContextView#stateNativeMemoryBytes()})
 */
public record StateView(String id, String kind, int partitions, String keyType, String stateType,
    long approximateKeys, long cacheHits, long cacheMisses, long sstBytes, long nativeMemoryBytes) {}
