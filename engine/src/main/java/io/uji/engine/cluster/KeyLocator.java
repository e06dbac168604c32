package io.uji.engine.cluster;

import io.uji.streaming.KeyLocation;

/**
 * Says where a key's state lives in the group (implemented by the membership side, which knows
 * the producers' partitioning and the group's host map): the engine asks it before it reads a
 * key's state in a group, so that a key of a group that does not run here is answered with its
 * location ({@link io.uji.streaming.StateNotLocalException}) rather than as absent.
 */
public interface KeyLocator {
  /**
   * @param key a key of the group's input, not null
   * @return its key group and where that group runs, as of the group's last assignment
   * @throws IllegalStateException if keys cannot be located (the member lacks the producers'
   *     partitioning, or it is not running), with a message that says what to do
   */
  KeyLocation locate(Object key);
}
