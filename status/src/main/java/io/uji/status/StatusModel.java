package io.uji.status;

import io.uji.engine.hooks.BatchReport;
import io.uji.engine.hooks.CheckpointReport;
import io.uji.engine.hooks.EngineObserver;
import io.uji.engine.hooks.RecoveryReport;
import io.uji.streaming.ReceiverInfo;
import io.uji.streaming.StreamingListener;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * What the page remembers of a context: the last {@value #MAX_BATCHES} batches, the last
 * checkpoints, the last recovery and the last errors. Fed by the engine's reports (on the batch
 * runner and checkpoint writer: each report is one append under a lock) and by listener events
 * (receiver errors); read by the page's requests.
 */
final class StatusModel implements EngineObserver, StreamingListener {
  static final int MAX_BATCHES = 1000;
  static final int MAX_CHECKPOINTS = 100;
  static final int MAX_ERRORS = 50;

  /** An error the page lists: when (wall clock), where, what. */
  record ErrorEntry(long atMs, String where, String message) {}

  private final Deque<BatchReport> batches = new ArrayDeque<>();
  private final Deque<CheckpointReport> checkpoints = new ArrayDeque<>();
  private final Deque<ErrorEntry> errors = new ArrayDeque<>();
  private long completedBatches;
  private long failedBatches;
  private RecoveryReport recovery;
  private final long startedAtMs = System.currentTimeMillis();

  @Override
  public synchronized void batchCompleted(BatchReport r) {
    if (batches.size() == MAX_BATCHES) {
      batches.removeFirst();
    }
    batches.addLast(r);
    if (r.info().failureReason().isPresent()) {
      failedBatches++;
      addError("batch " + r.info().batchTime(), r.info().failureReason().get());
    } else {
      completedBatches++;
    }
  }

  @Override
  public synchronized void checkpointCompleted(CheckpointReport r) {
    if (checkpoints.size() == MAX_CHECKPOINTS) {
      checkpoints.removeFirst();
    }
    checkpoints.addLast(r);
  }

  @Override
  public synchronized void recovered(RecoveryReport r) {
    recovery = r;
  }

  @Override
  public void failed(String what, Throwable error) {
    synchronized (this) {
      addError(what, String.valueOf(error));
    }
  }

  @Override
  public void onReceiverError(ReceiverInfo receiver) {
    synchronized (this) {
      addError("receiver " + receiver.name(), receiver.lastErrorMessage());
    }
  }

  private void addError(String where, String message) {
    if (errors.size() == MAX_ERRORS) {
      errors.removeFirst();
    }
    errors.addLast(new ErrorEntry(System.currentTimeMillis(), where, message));
  }

  synchronized List<BatchReport> batches() {
    return new ArrayList<>(batches);
  }

  synchronized List<CheckpointReport> checkpoints() {
    return new ArrayList<>(checkpoints);
  }

  synchronized List<ErrorEntry> errors() {
    return new ArrayList<>(errors);
  }

  synchronized long completedBatches() {
    return completedBatches;
  }

  synchronized long failedBatches() {
    return failedBatches;
  }

  synchronized RecoveryReport recovery() {
    return recovery;
  }

  long startedAtMs() {
    return startedAtMs;
  }
}
