package io.uji.engine.runtime;

import io.uji.engine.cluster.BatchAbortedException;
import io.uji.engine.cluster.BatchCommit;
import io.uji.engine.cluster.ChangeWriter;
import io.uji.engine.cluster.ClusterMember;
import io.uji.engine.cluster.InputRange;
import io.uji.engine.exec.WorkerPool;
import io.uji.engine.graph.InputNode;
import io.uji.engine.scheduler.Batch;
import io.uji.engine.scheduler.BatchJournal;
import io.uji.engine.state.KeyedStateNode;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A group's batch journal (docs/design/scale-out.md 6.1): nothing is logged locally (no lineage:
 * a batch that did not commit is redone from the committed positions by the partitions' next
 * owner); each batch commits through the member, with its input ranges and its state changes.
 */
final class GroupJournal implements BatchJournal {
  private final GroupRuntime group;
  private final WorkerPool pool;
  private final int inputIndex;
  /** The local checkpoints, or null without a checkpoint directory. */
  private final GroupCheckpoints checkpoints;
  private final io.uji.state.StateStore store;
  /**
   * The time of the last batch whose commit left nothing uncommitted (its state is exactly the
   * committed changelogs), or Long.MIN_VALUE when the last one did not (deferred, aborted).
   * Batch runner only.
   */
  private long committedThroughMs = Long.MIN_VALUE;

  GroupJournal(GroupRuntime group, WorkerPool pool, List<InputNode<?, ?, ?>> inputs) {
    this(group, pool, inputs, null, null);
  }

  GroupJournal(GroupRuntime group, WorkerPool pool, List<InputNode<?, ?, ?>> inputs, GroupCheckpoints checkpoints,
      io.uji.state.StateStore store) {
    this.group = group;
    this.pool = pool;
    this.inputIndex = inputs.indexOf(group.input());
    this.checkpoints = store == null ? null : checkpoints;
    this.store = store;
  }

  @Override
  public String commitBatch(Batch batch) {
    InputNode.Allocation<?> allocation = batch.inputs().get(inputIndex);
    long number = group.input().numberOf(allocation);
    List<InputRange> ranges = group.input().inputRanges(allocation);
    // Called under the batch lock: the running groups cannot change while their changes drain.
    BitSet running = group.runningGroups();
    Commit commit = new Commit(batch.time().milliseconds(), ranges, running);
    try {
      ClusterMember.CommitOutcome outcome = group.member().commit(commit);
      if (outcome == ClusterMember.CommitOutcome.COMMITTED) {
        group.settled(number);
        committedThroughMs = batch.time().milliseconds();
        if (checkpoints != null && checkpoints.due(committedThroughMs, group.graph().zeroTime().milliseconds())) {
          checkpoint(); // under the batch lock (commitBatch's contract)
        }
      } else {
        committedThroughMs = Long.MIN_VALUE; // the state holds a deferred batch: no checkpoint until one commits
      }
      return null;
    } catch (BatchAbortedException e) {
      committedThroughMs = Long.MIN_VALUE;
      // The running groups' state holds the batch, which will never count: put it back.
      group.resetAll("batch " + batch.time() + " aborted: " + e.getMessage());
      group.settled(number);
      return "aborted: " + e.getMessage();
    }
  }

  /**
   * A graceful stop checkpoints the last batch if it committed (a restart in place then reads
   * only what others wrote since); after a deferred or aborted one it keeps the last checkpoint.
   */
  @Override
  public void finalCheckpoint() {
    if (checkpoints == null || committedThroughMs == Long.MIN_VALUE || checkpoints.checkpointed(committedThroughMs)) {
      return;
    }
    group.graph().underBatchLock(() -> {
      checkpoint();
      return null;
    });
  }

  private void checkpoint() {
    checkpoints.checkpoint(committedThroughMs, store, group.groups(), () -> group.member().positions());
  }

  @Override
  public void close() {
    group.stopped();
  }

  /** One batch's commit: its ranges, and its changes drained group by group in parallel on demand. */
  private final class Commit implements BatchCommit {
    private final long timeMs;
    private final List<InputRange> ranges;
    private final BitSet running;
    private final AtomicBoolean drained = new AtomicBoolean();

    Commit(long timeMs, List<InputRange> ranges, BitSet running) {
      this.timeMs = timeMs;
      this.ranges = List.copyOf(ranges);
      this.running = running;
    }

    @Override
    public long batchTimeMs() {
      return timeMs;
    }

    @Override
    public List<InputRange> ranges() {
      return ranges;
    }

    @Override
    public java.util.Set<Integer> groups() {
      return running.stream().boxed().collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    @Override
    public void drainChanges(ChangeWriter writer) {
      if (!drained.compareAndSet(false, true)) {
        throw new IllegalStateException("The changes of batch " + timeMs + " were drained already");
      }
      int[] groups = running.stream().toArray();
      List<KeyedStateNode<?, ?, ?, ?, ?>> nodes = group.stateNodes();
      pool.run(groups.length, i -> {
        for (KeyedStateNode<?, ?, ?, ?, ?> n : nodes) {
          n.drainChanges(groups[i], writer);
        }
      });
    }
  }
}
