package io.uji.streaming;

import io.uji.engine.cluster.BatchAbortedException;
import io.uji.engine.cluster.BatchCommit;
import io.uji.engine.cluster.ChangelogPositions;
import io.uji.engine.cluster.ClusterMember;
import io.uji.engine.cluster.GroupControl;
import io.uji.engine.cluster.GroupStateAccess;
import io.uji.engine.cluster.InputRange;
import io.uji.engine.cluster.StateChange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What Kafka holds for a group, in memory, for engine tests of the cluster SPI: committed positions
 * per source partition and a changelog per (operator, key group), both changed by one atomic
 * commit per batch (a transaction). {@link Member} is a member that commits there, restores groups
 * from there and can abort or defer a commit on demand.
 */
final class FakeGroup {
  /** Committed positions per source partition. */
  private final Map<String, Long> committed = new TreeMap<>();
  /** Per operator, per key group, the changelog in order. */
  private final Map<String, Map<Integer, List<StateChange>>> changelog = new HashMap<>();
  private final Map<String, Integer> groupOf = new HashMap<>();

  synchronized void commit(List<InputRange> ranges, List<StateChange> changes) {
    for (InputRange r : ranges) {
      committed.merge(r.partition(), r.until(), Math::max);
      groupOf.put(r.partition(), r.group());
    }
    for (StateChange c : changes) {
      changelog.computeIfAbsent(c.operator(), o -> new HashMap<>())
          .computeIfAbsent(c.group(), g -> new ArrayList<>()).add(c);
    }
  }

  synchronized Map<String, Long> committedOf(int group, List<String> partitions) {
    Map<String, Long> out = new TreeMap<>();
    for (String p : partitions) {
      Long n = committed.get(p);
      if (n != null) {
        out.put(p, n);
      }
    }
    return out;
  }

  synchronized long committed(String partition) {
    return committed.getOrDefault(partition, 0L);
  }

  synchronized List<StateChange> changelog(String operator, int group) {
    return new ArrayList<>(changelog.getOrDefault(operator, Map.of()).getOrDefault(group, List.of()));
  }

  /** A member of the group: commits batches here; {@link #assign} restores and activates groups. */
  final class Member implements ClusterMember {
    private final List<String> topics;
    volatile GroupControl control;
    final AtomicBoolean abortNext = new AtomicBoolean();
    final AtomicBoolean deferNext = new AtomicBoolean();
    /** Defers every commit while set (a rebalance that does not end). */
    final AtomicBoolean deferAll = new AtomicBoolean();
    /** Aborts the next commit without calling resetAll: the engine must reset on its own. */
    final AtomicBoolean abortNextSilently = new AtomicBoolean();
    private final List<InputRange> deferredRanges = new ArrayList<>();
    private final List<StateChange> deferredChanges = new ArrayList<>();
    volatile boolean stoppedLeaving;
    volatile boolean stopped;
    /** How many times the engine discarded what this member held uncommitted. */
    volatile int discards;
    /** Every key group the engine said it emptied. */
    final Set<Integer> emptied = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** How the member locates keys, or null (then the engine looks in every running group). */
    volatile io.uji.engine.cluster.KeyLocator locator;
    /** What {@link #positions()} answers (a local checkpoint records it). */
    volatile ChangelogPositions positions = ChangelogPositions.none();

    Member(String... topics) {
      this.topics = List.of(topics);
    }

    @Override
    public void start(GroupControl c) {
      control = c;
    }

    @Override
    public CommitOutcome commit(BatchCommit batch) {
      List<StateChange> changes = new ArrayList<>();
      batch.drainChanges(c -> {
        synchronized (changes) {
          changes.add(c);
        }
      });
      if (abortNext.getAndSet(false)) {
        deferredRanges.clear();
        deferredChanges.clear();
        control.resetAll("test: transaction aborted");
        throw new BatchAbortedException("test: transaction aborted", null);
      }
      if (abortNextSilently.getAndSet(false)) {
        deferredRanges.clear();
        deferredChanges.clear();
        throw new BatchAbortedException("test: fenced", null);
      }
      deferredRanges.addAll(batch.ranges());
      deferredChanges.addAll(changes);
      if (deferNext.getAndSet(false) || deferAll.get()) {
        return CommitOutcome.DEFERRED;
      }
      FakeGroup.this.commit(deferredRanges, deferredChanges);
      deferredRanges.clear();
      deferredChanges.clear();
      return CommitOutcome.COMMITTED;
    }

    @Override
    public void groupsReset(Set<Integer> emptied) {
      discards++;
      this.emptied.addAll(emptied);
      deferredRanges.clear();
      deferredChanges.clear();
    }

    /** The member was removed from the group (its session expired): it lost every group. */
    void lose() {
      control.lost(Set.of(), "test: removed from the group");
    }

    @Override
    public java.util.Optional<io.uji.engine.cluster.KeyLocator> keyLocator() {
      return java.util.Optional.ofNullable(locator);
    }

    @Override
    public ChangelogPositions positions() {
      return positions;
    }

    @Override
    public void stop(boolean leave) {
      stopped = true;
      stoppedLeaving = leave;
    }

    /** Restores {@code groups} from the changelog and runs them from the committed positions. */
    void assign(int... groups) {
      GroupStateAccess state = control.stateAccess();
      for (int g : groups) {
        for (GroupStateAccess.StatefulOperator op : state.operators()) {
          state.wipe(op.name(), g);
          state.apply(op.name(), g, changelog(op.name(), g));
        }
        List<String> partitions = new ArrayList<>();
        topics.forEach(t -> partitions.add(MemoryKeyedSource.id(t, g)));
        control.activate(g, committedOf(g, partitions));
      }
    }

    /**
     * Continues the dormant copy of {@code group} this instance kept when it revoked it: applies only
     * the changelog records after {@code position} (the changelog's length then), then activates.
     */
    void resume(int group, int position) {
      GroupStateAccess state = control.stateAccess();
      for (GroupStateAccess.StatefulOperator op : state.operators()) {
        List<StateChange> all = changelog(op.name(), group);
        state.apply(op.name(), group, all.subList(position, all.size()));
      }
      control.activate(group, committedOf(group, List.of(MemoryKeyedSource.id(topics.get(0), group))));
    }

    void revoke(Integer... groups) {
      control.revoke(Set.of(groups));
    }
  }
}
