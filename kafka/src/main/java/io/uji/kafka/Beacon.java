package io.uji.kafka;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * One liveness beacon (design 10): the value of a record keyed by the sender's instance id on the
 * group's liveness topic. Layout (big-endian): {@code | version : i16 (=1) | incarnation : i64 |
 * state : i8 | planEpoch : i32 |}.
 *
 * @param incarnation random per process start: a restarted instance is another incarnation
 * @param state whether the sender runs or is leaving the group on purpose
 * @param planEpoch the epoch of the last plan the sender was given (-1 before its first)
 */
record Beacon(long incarnation, State state, int planEpoch) {
  private static final short VERSION = 1;
  private static final int SIZE = 2 + 8 + 1 + 4;

  /** What the sender says of itself. */
  enum State {
    /** It runs: silence means it is gone or paused. */
    RUNNING,
    /** It stops gracefully and leaves the group itself: its silence is no failure. */
    LEAVING
  }

  byte[] encode() {
    return ByteBuffer.allocate(SIZE).putShort(VERSION).putLong(incarnation).put((byte) state.ordinal())
        .putInt(planEpoch).array();
  }

  /**
   * @return the beacon, or empty if {@code value} is not one this version reads (a newer sender's
   *     or a foreign record): a reader skips it rather than fail its group
   */
  static Optional<Beacon> decode(byte[] value) {
    if (value == null) {
      return Optional.empty();
    }
    try {
      ByteBuffer in = ByteBuffer.wrap(value);
      if (in.getShort() != VERSION) {
        return Optional.empty();
      }
      long incarnation = in.getLong();
      int state = in.get();
      int epoch = in.getInt();
      if (state < 0 || state >= State.values().length) {
        return Optional.empty();
      }
      return Optional.of(new Beacon(incarnation, State.values()[state], epoch));
    } catch (BufferUnderflowException e) {
      return Optional.empty();
    }
  }
}
