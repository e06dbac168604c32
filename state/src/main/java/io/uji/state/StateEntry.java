package io.uji.state;

/**
 * One (key, state) read by a {@link TableScan}: the state is a copy, never the cached instance.
 *
 * @param <K> the key type
 * @param <S> the state type
 */
public record StateEntry<K, S>(K key, S state) {}
