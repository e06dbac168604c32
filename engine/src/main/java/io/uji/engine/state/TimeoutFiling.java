package io.uji.engine.state;

/**
 * Under which time mapWithState files a new key in its partition's time index: a little before
 * the batch that created it, by one of {@value #SLOTS} steps spread over half the timeout.
 *
 * <p>Why not the batch's time itself: the keys created in one batch then come due together, one
 * timeout later, and each must be looked up, filed again and written back in that one batch. A
 * state built up in its first batches (session-count creates its 1 M users in three) came back
 * as a batch examining half a million keys on top of its own records (batches 31–33 at a 60 s
 * timeout, 2–3× the median batch time), and again one timeout later: a key is filed again under
 * its last-seen time, which for a busy key is about when it was examined. Filed under {@code now
 * - slot × step}, with the slot from the key's hash, the keys of one batch come due over half a
 * timeout's worth of batches, and stay spread: each is filed again about one timeout after its
 * own examination.
 *
 * <p>Why that is still exact: filing earlier only makes the key examined earlier (at least half a
 * timeout after its creation, never in the batch filing it); an examination that finds it seen
 * since files it again under its last-seen time, as for any key. The cost is one examination of
 * each new key up to half a timeout early.
 */
final class TimeoutFiling {
  static final int SLOTS = 16;

  /** The time between two slots: half the timeout over the slots. */
  private final long step;

  TimeoutFiling(long timeoutMs) {
    if (timeoutMs < 0) {
      throw new IllegalArgumentException("timeout must be >= 0: " + timeoutMs);
    }
    this.step = timeoutMs / 2 / SLOTS;
  }

  /**
   * @param now the time of the batch that created the key
   * @param keyHash the key's {@code hashCode}
   * @return the slot to file the key in, in [0, {@value #SLOTS})
   */
  int slot(long now, int keyHash) {
    // Mixed with the batch's time: a key created again (after a timeout or a removal) draws anew.
    int h = keyHash * 0x9E3779B9 ^ (int) (now ^ (now >>> 32));
    h ^= h >>> 16;
    h *= 0x85EBCA6B;
    h ^= h >>> 13;
    return (h >>> 16) % SLOTS;
  }

  /** @return the time to file a key created at {@code now} under, in {@code slot} */
  long time(long now, int slot) {
    return now - slot * step;
  }
}
