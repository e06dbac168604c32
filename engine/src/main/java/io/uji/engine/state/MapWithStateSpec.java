package io.uji.engine.state;

import io.uji.streaming.Dataset;
import io.uji.streaming.Duration;
import io.uji.streaming.Function3;
import io.uji.streaming.Function4;
import io.uji.streaming.Pair;
import io.uji.streaming.Partitioner;
import io.uji.streaming.State;
import io.uji.streaming.Time;
import java.util.Optional;

/**
 * What a public {@code StateSpec} holds, as the mapWithState operator reads it (the spec itself
 * has no public getters: they would only be for the engine). Exactly one of the two functions is
 * set; the other fields are null when the user did not set them.
 *
 * @param function the three-argument mapping function, or null
 * @param timedFunction the mapping function with the batch time, or null
 * @param initialState the state before the first batch, or null
 * @param partitioner the state's partitioner, or null for the context's default
 * @param timeout the idle timeout, or null for none
 * @param keyType the declared key class, or null
 * @param stateType the declared state class, or null
 * @param name the operator's stable id, or null for the derived one
 * @param formerIds the ids it had before it was renamed (empty if none)
 */
public record MapWithStateSpec<K, V, S, M>(
    Function3<K, Optional<V>, State<S>, M> function,
    Function4<Time, K, Optional<V>, State<S>, Optional<M>> timedFunction,
    Dataset<Pair<K, S>> initialState,
    Partitioner partitioner,
    Duration timeout,
    Class<K> keyType,
    Class<S> stateType,
    String name,
    java.util.List<String> formerIds) {}
