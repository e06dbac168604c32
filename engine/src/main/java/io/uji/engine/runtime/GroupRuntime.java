package io.uji.engine.runtime;

import io.uji.engine.cluster.ChangelogPositions;
import io.uji.engine.cluster.ClusterMember;
import io.uji.engine.cluster.GroupControl;
import io.uji.engine.cluster.GroupStateAccess;
import io.uji.engine.cluster.StateChange;
import io.uji.engine.graph.StatefulNode;
import io.uji.engine.graph.StreamGraph;
import io.uji.engine.input.KeyedReplayableInputNode;
import io.uji.engine.state.KeyedStateNode;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's side of a group membership (docs/design/scale-out.md 4, 5.4, 7.4): which key groups
 * run here, changed only at batch boundaries (under the batch lock), and raw access to the state of
 * the groups that do not, for the member to restore them.
 *
 * <p>Running groups take input and are computed; {@link #revoke} stops a group after every batch
 * that took its input committed and keeps its state as a dormant copy, exactly the group's
 * changelog up to this instance's last commit of it (the member may continue it from there, or
 * wipe it). {@link #resetAll} empties every running group (its state may hold an aborted batch)
 * and voids the queued batches, for the member to restore and activate again what it is
 * assigned. Queries answer from running groups only.
 */
final class GroupRuntime implements GroupControl, GroupStateAccess {
  private static final Logger LOG = LoggerFactory.getLogger(GroupRuntime.class);

  private final String applicationId;
  private final ClusterMember member;
  private final StreamGraph graph;
  private final KeyedReplayableInputNode<?> input;
  private final Map<String, KeyedStateNode<?, ?, ?, ?, ?>> operators = new LinkedHashMap<>();
  /** The groups running here (guarded by this; changed under the batch lock). */
  private final BitSet running = new BitSet();
  /** The number of the last batch whose input is committed or void (guarded by this). */
  private long settledThrough;
  private boolean stopped;
  /** The positions of the local checkpoint the state was restored from, or null (set before the member starts). */
  private volatile ChangelogPositions restored;
  private volatile Map<String, long[]> restoredReachedAfter = Map.of();

  private final java.util.function.Consumer<Throwable> onFailure;
  private final java.util.Optional<String> statusAddress;

  GroupRuntime(String applicationId, ClusterMember member, StreamGraph graph,
      java.util.function.Consumer<Throwable> onFailure, java.util.Optional<String> statusAddress) {
    this.onFailure = onFailure;
    this.statusAddress = statusAddress;
    this.applicationId = applicationId;
    this.member = member;
    this.graph = graph;
    KeyedReplayableInputNode<?> keyed = null;
    for (var in : graph.inputs()) {
      keyed = (KeyedReplayableInputNode<?>) in; // GroupProgramCheck let only keyed inputs through
    }
    this.input = keyed;
    for (StatefulNode s : graph.statefulNodes()) {
      operators.put(s.stateId(), (KeyedStateNode<?, ?, ?, ?, ?>) s.node());
    }
  }

  StreamGraph graph() {
    return graph;
  }

  String applicationId() {
    return applicationId;
  }

  @Override
  public java.util.Optional<String> statusAddress() {
    return statusAddress;
  }

  ClusterMember member() {
    return member;
  }

  KeyedReplayableInputNode<?> input() {
    return input;
  }

  List<KeyedStateNode<?, ?, ?, ?, ?>> stateNodes() {
    return new ArrayList<>(operators.values());
  }

  /**
   * Empties every key group before the member starts: nothing local is trusted without a local
   * checkpoint (a previous run's state in the directory may be behind or ahead of what the group
   * committed); each group the member activates is restored from its changelog.
   */
  void wipeAll() {
    for (KeyedStateNode<?, ?, ?, ?, ?> n : operators.values()) {
      for (int g = 0; g < input.partitions(); g++) {
        n.wipeGroup(g);
      }
    }
  }

  /**
   * The state was restored from a local checkpoint (docs/design/scale-out.md 7.1): each (operator,
   * group) with a position there is handed to the member as a copy at that position (it checks
   * it, design 7.2, and continues or wipes it); every other one is emptied, before the member
   * starts.
   */
  void restoredFrom(ChangelogPositions positions, Map<String, long[]> reachedAfterMs) {
    for (KeyedStateNode<?, ?, ?, ?, ?> n : operators.values()) {
      for (int g = 0; g < input.partitions(); g++) {
        if (positions.position(n.stateId(), g) < 0) {
          n.wipeGroup(g);
        }
      }
    }
    this.restoredReachedAfter = Map.copyOf(reachedAfterMs);
    this.restored = positions;
  }

  /** @return a copy of the running groups (for a batch's computation, under the batch lock) */
  synchronized BitSet runningGroups() {
    return (BitSet) running.clone();
  }

  /** The batch numbered {@code number} committed, or was voided: nothing before it waits any more. */
  synchronized void settled(long number) {
    if (number > settledThrough) {
      settledThrough = number;
      notifyAll();
    }
  }

  /** The context stops: nothing waits for batches any more. */
  synchronized void stopped() {
    stopped = true;
    notifyAll();
  }

  // ------------------------------------------------------------------ GroupControl

  @Override
  public void rebalanceStarted() {
    LOG.debug("Group {}: a rebalance started; batches go on", applicationId);
  }

  @Override
  public void revoke(Set<Integer> groups) {
    Set<Integer> mine = new TreeSet<>();
    synchronized (this) {
      for (int g : groups) {
        if (g >= 0 && running.get(g)) {
          mine.add(g);
        }
      }
    }
    if (mine.isEmpty()) {
      return;
    }
    long last = input.forget(mine);
    awaitSettled(last);
    graph.underBatchLock(() -> {
      synchronized (this) {
        mine.forEach(running::clear);
      }
      for (int g : mine) {
        for (KeyedStateNode<?, ?, ?, ?, ?> n : operators.values()) {
          n.flushGroup(g); // kept as a dormant copy at the group's last committed changes
        }
      }
      return null;
    });
    LOG.info("Group {}: revoked key groups {} after batch {} committed; their state is kept", applicationId, mine,
        last);
  }

  private synchronized void awaitSettled(long number) {
    boolean interrupted = false;
    while (settledThrough < number && !stopped) {
      try {
        wait(100);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void activate(int group, Map<String, Long> start) {
    if (group < 0 || group >= input.partitions()) {
      throw new IllegalArgumentException("Key group " + group + " is outside [0, " + input.partitions() + ")");
    }
    graph.underBatchLock(() -> {
      synchronized (this) {
        if (running.get(group)) {
          throw new IllegalStateException("Key group " + group + " already runs here");
        }
        running.set(group);
      }
      input.start(group, start);
      return null;
    });
    LOG.info("Group {}: key group {} runs here from {}", applicationId, group, start);
  }

  @Override
  public void lost(Set<Integer> groups, String reason) {
    resetAll(reason);
  }

  @Override
  public void resetAll(String reason) {
    BitSet was = graph.underBatchLock(() -> {
      long last = input.reset();
      BitSet reset;
      synchronized (this) {
        reset = (BitSet) running.clone();
        running.clear();
      }
      reset.stream().forEach(g -> operators.values().forEach(n -> n.wipeGroup(g)));
      // What the member holds uncommitted (a batch deferred during a rebalance) was computed on the
      // state emptied here: it must never commit, whatever generation the member has next. A group
      // being revoked meanwhile is emptied too: its copy no longer continues the changelog.
      member.groupsReset(reset.stream().boxed().collect(java.util.stream.Collectors.toUnmodifiableSet()));
      settled(last); // the batches taken before the reset are void: nobody waits for them
      return reset;
    });
    LOG.warn("Group {}: {}; key groups {} put back to what the group committed (emptied here), batches taken"
        + " before dropped", applicationId, reason, was);
  }

  @Override
  public GroupStateAccess stateAccess() {
    return this;
  }

  @Override
  public void fail(Throwable error) {
    LOG.error("Group {}: the membership failed; stopping the context", applicationId, error);
    onFailure.accept(error);
  }

  // ------------------------------------------------------------------ GroupStateAccess

  @Override
  public int groups() {
    return input.partitions();
  }

  @Override
  public List<StatefulOperator> operators() {
    List<StatefulOperator> out = new ArrayList<>();
    operators.values().forEach(n -> out.add(new StatefulOperator(n.stateId(), n.kind(), signature(n))));
    return out;
  }

  /** What every instance running the same program computes alike: the kind and the declared or restored types. */
  private static long signature(KeyedStateNode<?, ?, ?, ?, ?> n) {
    String sig = n.kind() + "|" + n.stateId() + "|" + n.typeSignature();
    long h = 1125899906842597L;
    for (int i = 0; i < sig.length(); i++) {
      h = 31 * h + sig.charAt(i);
    }
    return h;
  }

  @Override
  public Optional<ChangelogPositions> restoredPositions() {
    return Optional.ofNullable(restored);
  }

  @Override
  public long restoredPositionReachedAfterMs(String operator, int group) {
    long[] t = restoredReachedAfter.get(operator);
    return t == null || group >= t.length ? -1 : t[group];
  }

  @Override
  public void wipe(String operator, int group) {
    operator(operator, group).wipeGroup(group);
  }

  @Override
  public void apply(String operator, int group, List<StateChange> changes) {
    operator(operator, group).applyRaw(group, changes);
  }

  private KeyedStateNode<?, ?, ?, ?, ?> operator(String operator, int group) {
    KeyedStateNode<?, ?, ?, ?, ?> n = operators.get(operator);
    if (n == null) {
      throw new IllegalArgumentException("The program has no stateful operator '" + operator + "'; it has "
          + operators.keySet());
    }
    synchronized (this) {
      if (running.get(group)) {
        throw new IllegalStateException("Key group " + group + " runs here: its state changes only through batches");
      }
    }
    return n;
  }
}
