package io.uji.engine.cluster;

/**
 * One changed entry of a stateful operator's key group, in the bytes the state store keeps, so
 * that the changelog can be written without the engine's types and applied without
 * deserializing.
 *
 * @param operator the stateful operator's name (unique in the program; checked at start)
 * @param group the key group (= the input partition number)
 * @param key the stored key: {@code u16 group | serialized key}, as {@code KeyLayout.stateKey}
 * @param value the stored value bytes, or null when the key was removed (a tombstone)
 * @param filedAt for mapWithState with a timeout, the time the entry was filed at in its time index
 *     (the changelog's {@code uji.t} header); -1 when none
 */
public record StateChange(String operator, int group, byte[] key, byte[] value, long filedAt) {
  /** @return whether this change removes the key */
  public boolean tombstone() {
    return value == null;
  }
}
