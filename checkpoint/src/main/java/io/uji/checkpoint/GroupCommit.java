package io.uji.checkpoint;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit for {@link FsyncPolicy.Mode#GROUP_COMMIT}, leader/follower (Ratis'
 * SegmentedRaftLogWorker): every append gets a ticket (1, 2, ...) when written; {@link
 * #awaitForced} returns once a force covered the ticket. The first appender to wait becomes the
 * leader, holds the force back for up to {@code maxDelay} so that others can write, then has the
 * log force once for all of them; appenders arriving during a force wait for the next one.
 *
 * <p>The log does the forcing ({@link Log#forceWritten}) and reports each force with {@link
 * #markForced}, also for forces of its own (a roll, close). Lock order: the log's write lock
 * before this object's lock, never the reverse; so the leader lets go of this lock before it
 * calls {@link Log#forceWritten}.
 */
final class GroupCommit {

  /** What group commit needs of its log. */
  interface Log {
    /**
     * @throws RuntimeException if the log failed or was closed: waiting appenders get it
     */
    void checkForcible();

    /**
     * Forces every record written so far, then reports it with {@link #markForced} (unless
     * nothing was written since the last force).
     *
     * @throws RuntimeException if the force failed
     */
    void forceWritten();
  }

  private final long delayNanos;
  private final Log log;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition forcedChanged = lock.newCondition();
  private long forced;     // every ticket <= forced is durable
  private boolean forcing; // a leader is inside its window or its force

  /**
   * @param maxDelay how long a leader waits for other appenders before forcing
   * @param log the log whose forces this coordinates
   */
  GroupCommit(Duration maxDelay, Log log) {
    this.delayNanos = maxDelay.toNanos();
    this.log = log;
  }

  /** Records that every ticket up to {@code ticket} is durable and wakes the waiters it covers. */
  void markForced(long ticket) {
    lock.lock();
    try {
      if (ticket > forced) {
        forced = ticket;
        forcedChanged.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Wakes every waiter to check the log again ({@link Log#checkForcible}): on close or failure.
   */
  void wakeAll() {
    lock.lock();
    try {
      forcedChanged.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until a force covered {@code ticket}, leading a force if no one else is.
   *
   * @throws RuntimeException what {@link Log#checkForcible} or {@link Log#forceWritten} threw
   */
  void awaitForced(long ticket) {
    lock.lock();
    try {
      while (forced < ticket) {
        log.checkForcible();
        if (forcing) {
          forcedChanged.awaitUninterruptibly();
          continue;
        }
        forcing = true;
        try {
          waitWindow();
          if (forced >= ticket) {
            continue; // a roll or close forced us meanwhile
          }
          lock.unlock();
          try {
            log.forceWritten(); // takes the log's lock, then ours to publish
          } finally {
            lock.lock();
          }
        } finally {
          forcing = false;
          forcedChanged.signalAll();
        }
      }
    } finally {
      lock.unlock();
    }
  }

  private void waitWindow() {
    long deadline = System.nanoTime() + delayNanos;
    long remaining = delayNanos;
    boolean interrupted = false;
    while (remaining > 0 && forcing) {
      try {
        forcedChanged.awaitNanos(remaining);
      } catch (InterruptedException e) {
        interrupted = true;
      }
      remaining = deadline - System.nanoTime();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
