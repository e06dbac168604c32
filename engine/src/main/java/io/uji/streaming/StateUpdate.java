package io.uji.streaming;

import java.util.List;
import java.util.Optional;

/**
 * What the iterator variant of {@link PairDStream#updateStateByKey(java.util.function.Function,
 * Partitioner, boolean)} gives its function for one key (Spark's {@code (K, Seq[V], Option[S])}).
 *
 * @param key the key
 * @param values the key's values in the batch, in batch order; empty if it had none
 * @param state the key's state before the batch; empty if it had none
 * @param <K> key type
 * @param <V> value type
 * @param <S> state type
 */
public record StateUpdate<K, V, S>(K key, List<V> values, Optional<S> state) {}
