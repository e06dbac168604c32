package io.uji.engine.cluster;

import io.uji.engine.access.SharedSecrets;
import io.uji.streaming.PairDStream;
import io.uji.streaming.Pair;
import io.uji.streaming.StreamingContext;

/**
 * What a membership implementation does to a context that users cannot: create the group's keyed
 * stream, make the context run in the group. Goes through {@link SharedSecrets}, so that the public API names no internal type.
 */
public final class ClusterAccess {
  private ClusterAccess() {}

  /**
   * @return a keyed stream over {@code spec}: batch partition g holds the records of key group g,
   *     so that stateful operators fed by it (keeping the key) keep the state of group g in key
   *     group g
   * @throws IllegalStateException if {@code ssc} was started already
   */
  public static <K, V> PairDStream<K, V> keyedStream(StreamingContext ssc, KeyedSourceSpec<Pair<K, V>> spec) {
    return SharedSecrets.streaming().keyedStream(ssc, spec);
  }

  /**
   * Makes {@code ssc} run in group {@code applicationId} through {@code member}: at start the
   * program is checked (GroupProgramCheck), then {@code member} is started; batches take input only
   * for the key groups it activates and each batch commits through it.
   *
   * @throws IllegalStateException if {@code ssc} was started already or is in a group already
   */
  public static void joinGroup(StreamingContext ssc, ClusterMember member, String applicationId) {
    SharedSecrets.streaming().joinGroup(ssc, member, applicationId);
  }
}
