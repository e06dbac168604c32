package io.uji.checkpoint;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Group commit against a log that only counts: tickets, forces, failure and close. */
class GroupCommitTest {

  /** A log without files: "writing" hands out tickets, "forcing" covers every ticket so far. */
  static final class CountingLog implements GroupCommit.Log {
    GroupCommit commit;
    private long written;
    private long forcedWritten;
    final AtomicInteger forces = new AtomicInteger();
    volatile RuntimeException failure;
    volatile boolean closed;
    /** When set, a force waits for it: to hold a leader inside its force. */
    volatile CountDownLatch forceGate;
    /** Forces begun, including one held at the gate. */
    final AtomicInteger entered = new AtomicInteger();

    synchronized long write() {
      return ++written;
    }

    synchronized long forcedWritten() {
      return forcedWritten;
    }

    @Override
    public void checkForcible() {
      if (failure != null) {
        throw failure;
      }
      if (closed) {
        throw new IllegalStateException("closed");
      }
    }

    @Override
    public void forceWritten() {
      entered.incrementAndGet();
      CountDownLatch gate = forceGate;
      if (gate != null) {
        try {
          gate.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      long upTo;
      synchronized (this) {
        checkForcible();
        if (written == forcedWritten) {
          return;
        }
        forces.incrementAndGet();
        forcedWritten = written;
        upTo = written;
      }
      commit.markForced(upTo);
    }
  }

  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stopThreads() {
    pool.shutdownNow();
  }

  private static CountingLog log(Duration maxDelay) {
    CountingLog log = new CountingLog();
    log.commit = new GroupCommit(maxDelay, log);
    return log;
  }

  @Test
  void shouldReturnOnlyOnceAForceCoveredTheTicket() {
    CountingLog log = log(Duration.ZERO);
    long ticket = log.write();
    log.commit.awaitForced(ticket);
    assertEquals(1, log.forces.get());
    assertTrue(log.forcedWritten() >= ticket);
  }

  @Test
  void shouldNotForceForATicketAlreadyCovered() {
    CountingLog log = log(Duration.ZERO);
    long first = log.write();
    log.write();
    log.commit.markForced(2); // e.g. a roll forced both
    log.commit.awaitForced(first);
    assertEquals(0, log.forces.get());
  }

  @Test
  void shouldCoverEveryWaiterOfManyThreads() throws Exception {
    CountingLog log = log(Duration.ofMillis(1));
    int threads = 8;
    int perThread = 200;
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      futures.add(pool.submit(() -> {
        for (int i = 0; i < perThread; i++) {
          long ticket = log.write();
          log.commit.awaitForced(ticket);
          long forced = log.forcedWritten();
          assertTrue(forced >= ticket, "ticket " + ticket + " returned with forces up to " + forced);
        }
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    assertEquals(threads * perThread, log.forcedWritten());
    assertTrue(log.forces.get() >= 1);
  }

  @Test
  void shouldMakeAFollowerWaitForTheLeadersForceAndShareIt() throws Exception {
    CountingLog log = log(Duration.ZERO);
    log.forceGate = new CountDownLatch(1);
    long leaderTicket = log.write();
    Future<?> leader = pool.submit(() -> log.commit.awaitForced(leaderTicket));
    await().until(() -> log.entered.get() == 1); // the leader is held inside its force
    long followerTicket = log.write(); // written before the held force: that force covers it
    AtomicReference<Thread> followerThread = new AtomicReference<>();
    Future<?> follower = pool.submit(() -> {
      followerThread.set(Thread.currentThread());
      log.commit.awaitForced(followerTicket);
    });
    await().until(() -> followerThread.get() != null && followerThread.get().getState() == Thread.State.WAITING);
    log.forceGate.countDown();
    leader.get();
    follower.get();
    assertEquals(1, log.forces.get());
  }

  @Test
  void shouldHandTheForcesFailureToItsAppender() {
    CountingLog log = log(Duration.ZERO);
    long ticket = log.write();
    CheckpointException failure = new CheckpointException("Cannot force log segment x: EIO", null);
    log.failure = failure;
    CheckpointException e = assertThrows(CheckpointException.class, () -> log.commit.awaitForced(ticket));
    assertSame(failure, e);
  }

  @Test
  void shouldReleaseAWaitingFollowerWhenTheLogCloses() throws Exception {
    CountingLog log = log(Duration.ZERO);
    log.forceGate = new CountDownLatch(1);
    long leaderTicket = log.write();
    Future<?> leader = pool.submit(() -> log.commit.awaitForced(leaderTicket));
    await().until(() -> log.entered.get() == 1);
    long followerTicket = log.write();
    AtomicReference<Thread> followerThread = new AtomicReference<>();
    Future<?> follower = pool.submit(() -> {
      followerThread.set(Thread.currentThread());
      log.commit.awaitForced(followerTicket);
    });
    await().until(() -> followerThread.get() != null && followerThread.get().getState() == Thread.State.WAITING);
    log.closed = true;
    log.commit.wakeAll();
    ExecutionException e = assertThrows(ExecutionException.class, follower::get);
    assertTrue(e.getCause() instanceof IllegalStateException, String.valueOf(e.getCause()));
    log.forceGate.countDown();
    assertThrows(ExecutionException.class, leader::get); // its force found the log closed
  }
}
