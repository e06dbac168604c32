package io.uji.engine.graph;

import io.uji.streaming.Pair;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A per-batch combine by key (reduceByKey, groupByKey, countByValue, combineByKey) offered to its
 * only consumer, a stateful operator, to run as part of its own grouping by key: that operator
 * cuts the batch by key group and groups each group's records by key anyway, so it can fold each
 * key's values with {@link #createCombiner} and {@link #mergeValue} there. The combine's output
 * is then never built: no shuffle tables sized for the batch's keys, no pair per key living
 * through the batch, and each record is hashed into a table small enough to stay in cache.
 *
 * <p>The result is the combine's: a key's values are folded in batch order (input partition 0's
 * first, each in arrival order), the order in which map-side combining and the merge fold them.
 * The partitioner the user gave the combine places nothing: the stateful operator places keys by
 * its own key groups, as it would have placed the combine's output.
 *
 * @param input the combine's input (its records are pushed, unmaterialized when they can be)
 * @param operator the combine in the user's terms ("reduceByKey"), named in errors about its records
 * @param <K> the key type
 * @param <V> the combine's input value type
 * @param <C> the combined value type
 */
public record FusibleCombine<K, V, C>(Node<Pair<K, V>> input, Function<? super V, ? extends C> createCombiner,
    BiFunction<C, ? super V, C> mergeValue, String operator) {}
