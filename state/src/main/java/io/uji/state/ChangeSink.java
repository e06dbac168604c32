package io.uji.state;

/**
 * Receives the changes of a key group's state that a batch made ({@link
 * StatePartition#drainChanges}), as the bytes the store holds, for a changelog.
 */
@FunctionalInterface
public interface ChangeSink {
  /**
   * One changed key, given once per drain with its latest value.
   *
   * @param group the partition (key group) the key belongs to
   * @param key the key as RocksDB holds it: {@code | group : u16 big-endian | serialized key |};
   *     a fresh array the sink owns
   * @param value the serialized state as RocksDB holds it, a fresh array the sink owns, or null
   *     for a removal
   */
  void change(int group, byte[] key, byte[] value);
}
