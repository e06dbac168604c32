package io.uji.engine.state;

/**
 * Under which time mapWithState files a key in its partition's time index: a little before the
 * key's last-seen time, by one of {@value #SLOTS} steps spread over half the timeout.
 *
 * <p>Why not the last-seen time itself: the keys seen in one batch come due together, one
 * timeout later, and each must then be looked up, re-filed and written back. A state built up
 * in its first batches (1 M users created in three) thus came back as a batch examining half a
 * million keys on top of its own records, every timeout period (session-count: batches 31–33,
 * 61–64 at a 60 s timeout, 2–3× the median batch time). Filed under {@code lastSeen - slot ×
 * step}, with the slot from the key's hash, the same keys come due over half a timeout's worth
 * of batches, and stay spread: each re-filing draws a new slot.
 *
 * <p>Why that is still exact: filing earlier only makes the key examined earlier. An examination
 * that finds {@code lastSeen >= t - timeout} files the key again; a key idle for more than half
 * the timeout is filed under its last-seen time exactly, so that its next examination is the
 * batch it falls due in (never a batch before the current one's threshold: no key is examined
 * twice in one batch, and a key going idle is examined at most twice per timeout). The cost is
 * examining a busy key every ~3/4 of a timeout instead of every timeout.
 */
final class TimeoutFiling {
  static final int SLOTS = 16;

  private final long timeoutMs;
  /** The time between two slots: half the timeout over the slots. */
  private final long step;

  TimeoutFiling(long timeoutMs) {
    if (timeoutMs < 0) {
      throw new IllegalArgumentException("timeout must be >= 0: " + timeoutMs);
    }
    this.timeoutMs = timeoutMs;
    this.step = timeoutMs / 2 / SLOTS;
  }

  /**
   * @param lastSeen the key's last-seen time
   * @param now the time of the batch filing it
   * @param keyHash the key's {@code hashCode}
   * @return the slot to file the key in: 0 (its last-seen time) for a key idle for more than half
   *     the timeout, else one of [0, {@value #SLOTS})
   */
  int slot(long lastSeen, long now, int keyHash) {
    if (now - lastSeen > timeoutMs - SLOTS * step) {
      return 0;
    }
    // A new slot at every filing (lastSeen differs), not a key's fixed offset.
    int h = keyHash * 0x9E3779B9 ^ (int) (lastSeen ^ (lastSeen >>> 32));
    h ^= h >>> 16;
    h *= 0x85EBCA6B;
    h ^= h >>> 13;
    return (h >>> 16) % SLOTS;
  }

  /** @return the time to file a key seen last at {@code lastSeen} under, in {@code slot} */
  long time(long lastSeen, int slot) {
    return lastSeen - slot * step;
  }

  /** @return the time to file a key seen last at {@code lastSeen} under, at batch time {@code now} */
  long time(long lastSeen, long now, int keyHash) {
    return time(lastSeen, slot(lastSeen, now, keyHash));
  }
}
