package io.uji.engine.graph;

import io.uji.engine.exec.WorkerPool;
import io.uji.serde.KryoPool;
import io.uji.state.StateTable;

/**
 * What a stateful node gets from its context at start: its state table in the context's state
 * store (restored from the checkpoint when recovering), serializers and the worker pool.
 */
public interface StateBinding {
  /**
   * Opens the node's table (column family named by its stable id), with Kryo serializers of the
   * context's registry for the declared key and state types ({@code Object.class} when unknown).
   */
  <K, S> StateTable<K, S> table(String id, Class<K> keyType, Class<S> stateType, int numPartitions);

  /**
   * @return into how many key groups the table {@code id} is split: the number it was created
   *     with if the store has it (restored state keeps its groups), else the context's setting
   *     for new state
   */
  int keyGroups(String id);

  /**
   * @return into how many key groups the store's table {@code id} is split, or empty when the
   *     store has no such table (new state)
   */
  java.util.OptionalInt recordedKeyGroups(String id);

  /**
   * @return whether the context runs in a group: a stateful node then captures its changes for the
   *     changelog and computes only the key groups running here ({@link #runningGroups})
   */
  boolean inGroup();

  /**
   * @return in a group, the key groups running here now (a copy, read under the batch lock at the
   *     start of a batch's computation); null outside a group (every group runs)
   */
  java.util.BitSet runningGroups();

  /**
   * @return in a group whose member can locate keys, its locator (state queries of a key then
   *     read the key's group only, or say where it lives); null otherwise
   */
  default io.uji.engine.cluster.KeyLocator keyLocator() {
    return null;
  }

  /** @return the context's Kryo instances (user registrations included) */
  KryoPool kryo();

  /** @return the context's worker pool */
  WorkerPool pool();

  /**
   * @return the key and state class names this operator had in the checkpoint being restored
   *     (e.g. {@code "java.lang.String/java.lang.Long"}), or null on a fresh start; the node
   *     must fail with an error naming itself if the program now uses other types
   */
  String restoredTypeSignature(String id);
}
