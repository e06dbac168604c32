package io.uji.checkpoint;

import java.time.Duration;
import java.util.Objects;

/**
 * When {@link SegmentedLog#append} forces written records to the device before returning.
 *
 * @param mode the policy
 * @param maxDelay for {@link Mode#GROUP_COMMIT}, how long the first waiting appender holds the
 *     force back so that concurrent appenders can share it; zero for the other modes
 */
public record FsyncPolicy(Mode mode, Duration maxDelay) {

  /** The kinds of policy. */
  public enum Mode {
    /** One force per append: the simplest and slowest durable policy. */
    PER_APPEND,
    /**
     * Appenders that arrive within a short window share one force; each returns only after a
     * force that covers its record. Durable like PER_APPEND, with fewer forces under load.
     */
    GROUP_COMMIT,
    /**
     * Never force (except on roll and close). UNSAFE: acknowledged records can be lost on a
     * power failure or kernel crash. For tests and benchmarks only.
     */
    NONE
  }

  /** Force after every append. */
  public static final FsyncPolicy PER_APPEND = new FsyncPolicy(Mode.PER_APPEND, Duration.ZERO);
  /** Never force: unsafe, see {@link Mode#NONE}. */
  public static final FsyncPolicy NONE = new FsyncPolicy(Mode.NONE, Duration.ZERO);

  public FsyncPolicy {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(maxDelay, "maxDelay");
    if (maxDelay.isNegative()) {
      throw new IllegalArgumentException("negative maxDelay " + maxDelay);
    }
  }

  /**
   * @param maxDelay how long an appender may wait for others to join its force (zero: force at
   *     once, still sharing the force with appenders that wrote meanwhile)
   * @return a group-commit policy
   */
  public static FsyncPolicy groupCommit(Duration maxDelay) {
    return new FsyncPolicy(Mode.GROUP_COMMIT, maxDelay);
  }
}
