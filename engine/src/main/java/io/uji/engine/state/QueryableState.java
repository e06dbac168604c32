package io.uji.engine.state;

import io.uji.state.StateStoreClosedException;
import io.uji.state.StateStoreException;
import io.uji.streaming.KeyLocation;
import io.uji.streaming.KeyedState;
import io.uji.streaming.Pair;
import io.uji.streaming.StreamingException;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The {@link KeyedState} of one stateful operator: its reads take the operator's lock for
 * reading ({@link KeyedStateNode}), so they see the state as of a batch boundary, and read
 * without changing the cache ({@link io.uji.state.StatePartition#readCopy}).
 *
 * @param <K> the key type the caller asked for
 * @param <S> the state type the caller asked for
 */
final class QueryableState<K, S> implements KeyedState<K, S> {
  private final KeyedStateNode<Object, ?, Object, ?, ?> node;
  private final Class<K> keyType;
  private final Class<S> stateType;

  @SuppressWarnings("unchecked")
  QueryableState(KeyedStateNode<?, ?, ?, ?, ?> node, Class<K> keyType, Class<S> stateType) {
    this.node = (KeyedStateNode<Object, ?, Object, ?, ?>) node; // keys and states are checked as they pass
    this.keyType = keyType;
    this.stateType = stateType;
  }

  @Override
  public String name() {
    return node.stateId();
  }

  @Override
  public Class<?> keyType() {
    return node.keyClass();
  }

  @Override
  public Class<?> stateType() {
    return node.stateClass();
  }

  @Override
  public Optional<S> get(K key) {
    return get(key, false);
  }

  @Override
  public Optional<S> get(K key, boolean allowStandby) {
    Objects.requireNonNull(key, "key");
    checkKeyType(key);
    try {
      return Optional.ofNullable(asState(node.readState(key, allowStandby)));
    } catch (StateStoreClosedException e) {
      throw stopped(e);
    } catch (StateStoreException e) {
      throw new StreamingException("Reading key " + key + " of the state '" + name() + "' failed: " + e.getMessage(), e);
    }
  }

  @Override
  public KeyLocation locate(K key) {
    Objects.requireNonNull(key, "key");
    checkKeyType(key);
    return node.locate(key);
  }

  @Override
  @SuppressWarnings("unchecked")
  public Stream<Pair<K, S>> scan() {
    try {
      return node.scanStates().map(p -> new Pair<>(asKey(p.key()), asState(p.value())));
    } catch (StateStoreClosedException e) {
      throw stopped(e);
    } catch (StateStoreException e) {
      throw new StreamingException("Scanning the state '" + name() + "' failed: " + e.getMessage(), e);
    }
  }

  @Override
  public long approximateCount() {
    try {
      return node.approximateCount();
    } catch (StateStoreClosedException e) {
      throw stopped(e);
    }
  }

  private void checkKeyType(K key) {
    Class<?> known = node.keyClass();
    if (known != null && !known.isInstance(key)) {
      throw new ClassCastException("The state '" + name() + "' has keys of type " + known.getName() + ", not "
          + key.getClass().getName());
    }
  }

  @SuppressWarnings("unchecked")
  private K asKey(Object k) {
    return keyType == null ? (K) k : keyType.cast(k);
  }

  @SuppressWarnings("unchecked")
  private S asState(Object s) {
    if (s == null || stateType == null) {
      return (S) s;
    }
    if (!stateType.isInstance(s)) {
      throw new ClassCastException("The state '" + name() + "' holds a " + s.getClass().getName() + ", not a "
          + stateType.getName());
    }
    return (S) s;
  }

  private StreamingException stopped(StateStoreClosedException e) {
    return new StreamingException("The state '" + name() + "' cannot be read: its context stopped", e);
  }

  @Override
  public String toString() {
    return "KeyedState[" + name() + "]";
  }
}
