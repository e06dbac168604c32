package io.uji.streaming;

import java.util.Optional;
import java.util.stream.Stream;

/**
 * A read-only view of one stateful operator's keyed state while the context runs (Kafka
 * Streams' interactive queries): from {@link StreamingContext#keyedState(String, Class, Class)}.
 *
 * <p>Consistent: every read sees the state as of the last batch that completed the operator's
 * computation, never half a batch: a read that arrives while a batch computes the operator waits
 * for that computation (a few hundred milliseconds for a batch of 500 k records; measured in
 * docs/PERFORMANCE.md), and a batch waits for the reads in progress, which are short (a scan holds
 * the batch back only while it copies the state's in-memory part). Safe from any thread while batches run; reads never change
 * what the state keeps in memory (no cache fill, no recency), so a dashboard cannot slow the
 * batches by evicting their hot keys. Values are copies: changing one changes nothing.
 *
 * @param <K> the key type
 * @param <S> the state type (for mapWithState, the user's state, not its timeout wrapper)
 */
public interface KeyedState<K, S> {
  /** @return the operator's name (its stable id), also its SQL table's name */
  String name();

  /** @return the declared key type, or the first key's class, or null before any key exists */
  Class<?> keyType();

  /** @return the declared state type, or the first state's class, or null before any state exists */
  Class<?> stateType();

  /**
   * @return the state of {@code key}, as of the last completed batch
   * @throws StateNotLocalException in a group of instances, if the key's group does not run here
   *     (it carries where it runs)
   * @throws IllegalStateException in a group whose keys cannot be located (a Kafka group built
   *     without the topic's key serializer)
   * @throws StreamingException if the context is not running or reading the state fails
   * @throws ClassCastException if {@code key} is not of the operator's key type
   */
  Optional<S> get(K key);

  /**
   * As {@link #get(Object)}, and with {@code allowStandby}, answered also from a standby copy kept
   * here ({@code KafkaGroup.Builder.numStandbyReplicas}), as Kafka Streams' queries with stale
   * stores enabled: the copy is behind the active one by the changes it has not read yet from the
   * changelog (those of the batches committed since its last read, and all of them while it is
   * first being filled). Outside a group, or without a standby copy here, it is {@link #get(Object)}.
   *
   * @throws StateNotLocalException if the key's group neither runs here nor, when allowed, has
   *     a standby copy here (it carries where it runs)
   */
  default Optional<S> get(K key, boolean allowStandby) {
    return get(key);
  }

  /**
   * Where the state of {@code key} lives (Kafka Streams' {@code queryMetadataForKey}). Outside a
   * group of instances every key is here ({@link KeyLocation#localActive()}); in a group, the
   * key's group and the instance that runs it, as of the group's last assignment.
   *
   * @throws IllegalStateException if the context has not started, or in a group whose keys cannot
   *     be located (a Kafka group built without the topic's key serializer)
   * @throws ClassCastException if {@code key} is not of the operator's key type
   */
  KeyLocation locate(K key);

  /**
   * Every (key, state) as of one batch boundary, in no particular order. Taking the boundary
   * holds the batch runner back only while the state's in-memory part is copied; reading the
   * rest does not. Close the stream (try-with-resources) to release what it holds.
   *
   * @throws StreamingException if the context is not running or reading the state fails
   */
  Stream<Pair<K, S>> scan();

  /**
   * @return the number of keys: exact while the state fits its heap cache, otherwise RocksDB's
   *     estimate (within a few percent after compactions)
   * @throws StreamingException if the context is not running
   */
  long approximateCount();
}
