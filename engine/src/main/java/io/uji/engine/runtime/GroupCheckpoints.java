package io.uji.engine.runtime;

import io.uji.checkpoint.CheckpointCorruptedException;
import io.uji.checkpoint.CheckpointDirectory;
import io.uji.checkpoint.CompletedCheckpoint;
import io.uji.checkpoint.PendingCheckpoint;
import io.uji.checkpoint.VerifiedCheckpoint;
import io.uji.engine.cluster.ChangelogPositions;
import io.uji.engine.graph.StatefulNode;
import io.uji.engine.graph.StreamGraph;
import io.uji.serde.KryoSerde;
import io.uji.serde.SerdeException;
import io.uji.state.StateSnapshot;
import io.uji.state.StateStore;
import io.uji.state.StateStoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local checkpoints of a context in a group (docs/design/scale-out.md 7.1): the state store's
 * RocksDB checkpoint (two phases, verified by the same manifest as single-context checkpoints)
 * with, per stateful operator and key group, the changelog position the state equals. No lineage
 * and no write-ahead log: what happened after a checkpoint is in the changelogs.
 *
 * <p>A checkpoint is taken on the batch runner, under the batch lock (no group starts, stops or
 * resets meanwhile), after a batch whose transaction committed and with nothing deferred (the
 * running groups' state is then exactly their committed changelogs), holding every stateful
 * operator's state exclusively while the member's positions are read and the state captured (the
 * member's restores and standby tailing write through the same locks, and record a position only
 * after the state holds it: the captured state is at or after each position read, and replaying a
 * changelog from an earlier position over later state gives the same state).
 */
final class GroupCheckpoints {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCheckpoints.class);

  /** What start restored: the state store and, if a checkpoint was used, its positions. */
  record Restored(StateStore store, ChangelogPositions positions, Map<String, long[]> reachedAfterMs,
      List<OperatorInfo> operators) {}

  private final CheckpointDirectory dir;
  private final KryoSerde<GroupCheckpointMetadata> codec;
  private final StreamGraph graph;
  private final String applicationId;
  private final long intervalMs;
  private final int retained;
  private long lastCheckpointMs = Long.MIN_VALUE;
  /**
   * The positions last checkpointed (or restored) and, per position, a time before which it was
   * not reached; a position that differs from them now was reached after {@link #observedAtMs}.
   */
  private Map<String, long[]> lastPositions = Map.of();
  private Map<String, long[]> lastReachedAfter = Map.of();
  /** When {@link #lastPositions} were read: at a checkpoint's capture, or at start. */
  private long observedAtMs = System.currentTimeMillis();

  GroupCheckpoints(CheckpointDirectory dir, KryoSerde<GroupCheckpointMetadata> codec, StreamGraph graph,
      String applicationId, long intervalMs, int retained) {
    this.dir = dir;
    this.codec = codec;
    this.graph = graph;
    this.applicationId = applicationId;
    this.intervalMs = intervalMs;
    this.retained = retained;
  }

  /**
   * Restores the newest checkpoint that verifies and belongs to this group and program; a damaged
   * one is set aside, one of another group or program is passed over. Without one, the live state
   * is emptied (a crashed run's live state is never trusted).
   *
   * @param restore opens the live state from a checkpoint's state directory
   * @param openEmpty deletes the live state and opens it empty
   */
  Restored restore(int groups, Function<java.nio.file.Path, StateStore> restore, Supplier<StateStore> openEmpty) {
    for (CompletedCheckpoint cp : dir.checkpoints()) {
      GroupCheckpointMetadata meta;
      try {
        VerifiedCheckpoint verified = dir.verify(cp);
        if (verified.legacy()) {
          LOG.warn("Checkpoint {} is not a checkpoint of a group (no manifest); not used", cp.dir());
          continue;
        }
        meta = codec.fromBytes(verified.metadata());
      } catch (CheckpointCorruptedException e) {
        dir.setAside(cp, e.getMessage());
        LOG.warn("Checkpoint {} is unusable ({}); set aside", cp.dir(), e.getMessage());
        continue;
      } catch (SerdeException e) {
        LOG.warn("Checkpoint {} is not a checkpoint of a group ({}); not used", cp.dir(), e.getMessage());
        continue;
      }
      String why = unusable(meta, groups);
      if (why != null) {
        LOG.warn("Checkpoint {} is not used: {}", cp.dir(), why);
        continue;
      }
      StateStore store;
      try {
        store = restore.apply(cp.stateDir());
      } catch (StateStoreException e) {
        LOG.warn("Checkpoint {} cannot be restored ({}); not used", cp.dir(), e.getMessage());
        continue;
      }
      if (store.restoredSequenceNumber() != meta.stateSequence()) {
        LOG.warn("Checkpoint {} restored at sequence {}, not the {} recorded; not used", cp.dir(),
            store.restoredSequenceNumber(), meta.stateSequence());
        store.close();
        continue;
      }
      Map<String, String> ids = new HashMap<>();
      Map<String, long[]> positions = new HashMap<>();
      Map<String, long[]> reachedAfter = new HashMap<>();
      for (GroupCheckpointMetadata.OperatorPositions p : meta.positions()) {
        ids.put(p.operator(), p.topicId());
        positions.put(p.operator(), p.positions().clone());
        reachedAfter.put(p.operator(), p.reachedAfterMs().clone());
      }
      ChangelogPositions at = new ChangelogPositions(ids, positions);
      lastPositions = positions;
      lastReachedAfter = reachedAfter;
      LOG.info("Group {}: restored local checkpoint {} (batch {}, captured at {}): {}", applicationId, cp.id(),
          meta.batchTimeMs(), meta.capturedAtMs(), at);
      return new Restored(store, at, reachedAfter, meta.operators());
    }
    return new Restored(openEmpty.get(), null, Map.of(), List.of());
  }

  /** @return why {@code meta} cannot be this context's state, or null */
  private String unusable(GroupCheckpointMetadata meta, int groups) {
    if (meta.formatVersion() < GroupCheckpointMetadata.OLDEST_READ_VERSION
        || meta.formatVersion() > GroupCheckpointMetadata.FORMAT_VERSION) {
      return "format " + meta.formatVersion() + ", this version reads " + GroupCheckpointMetadata.OLDEST_READ_VERSION
          + " to " + GroupCheckpointMetadata.FORMAT_VERSION;
    }
    if (!applicationId.equals(meta.applicationId())) {
      return "it belongs to group " + meta.applicationId() + ", not " + applicationId;
    }
    if (meta.groups() != groups) {
      return "it has " + meta.groups() + " key groups, the input now " + groups;
    }
    List<String> theirs = meta.operators().stream().map(o -> o.id() + "/" + o.kind()).toList();
    List<String> mine = graph.statefulNodes().stream().map(s -> s.stateId() + "/" + s.kind()).toList();
    if (!theirs.equals(mine)) {
      return "its stateful operators " + theirs + " are not the program's " + mine;
    }
    return null;
  }

  /**
   * @return why the restored state's operators differ from the opened program's in key groups or
   *     types (known once the operators are open), or null if they do not
   */
  String mismatch(Restored restored) {
    return restored.operators().equals(operators()) ? null
        : "its stateful operators " + restored.operators() + " are not the program's " + operators();
  }

  private List<OperatorInfo> operators() {
    List<OperatorInfo> ops = new ArrayList<>();
    for (StatefulNode s : graph.statefulNodes()) {
      ops.add(new OperatorInfo(s.stateId(), s.kind(), s.numPartitions(), s.typeSignature()));
    }
    return ops;
  }

  /**
   * @return whether a checkpoint is due after the batch of {@code batchTimeMs}: every checkpoint
   *     interval of batch time from the zero time, as single-context checkpoints (a due batch that
   *     did not commit leaves the checkpoint to the next interval)
   */
  boolean due(long batchTimeMs, long zeroTimeMs) {
    return (batchTimeMs - zeroTimeMs) % intervalMs == 0;
  }

  /** @return whether the batch of {@code batchTimeMs} was checkpointed already */
  boolean checkpointed(long batchTimeMs) {
    return lastCheckpointMs == batchTimeMs;
  }

  /**
   * Checkpoints the state as of the batch of {@code batchTimeMs}. Call on the batch runner under
   * the batch lock, after that batch committed with nothing deferred.
   *
   * @param positions reads the member's positions (under the state's exclusive locks)
   */
  void checkpoint(long batchTimeMs, StateStore store, int groups, Supplier<ChangelogPositions> positions) {
    long started = System.nanoTime();
    lastCheckpointMs = batchTimeMs;
    ChangelogPositions[] at = new ChangelogPositions[1];
    long[] capturedAt = new long[1];
    // Numbered in order of writing, not by batch time: a restarted context's clock may repeat times.
    List<CompletedCheckpoint> existing = dir.checkpoints();
    PendingCheckpoint pending = dir.begin(existing.isEmpty() ? 1 : existing.get(0).id() + 1);
    try (pending) {
      StateSnapshot snapshot = exclusively(graph.statefulNodes(), 0, () -> {
        at[0] = positions.get();
        capturedAt[0] = System.currentTimeMillis();
        return store.beginCheckpoint(graph.pool().executor());
      });
      long sequence = snapshot.writeTo(pending.stateDir());
      List<GroupCheckpointMetadata.OperatorPositions> ops = new ArrayList<>();
      Map<String, long[]> nowPositions = new HashMap<>();
      Map<String, long[]> nowReachedAfter = new HashMap<>();
      for (StatefulNode s : graph.statefulNodes()) {
        long[] p = new long[groups];
        long[] after = new long[groups];
        long[] before = lastPositions.get(s.stateId());
        long[] beforeAfter = lastReachedAfter.get(s.stateId());
        for (int g = 0; g < groups; g++) {
          p[g] = at[0].position(s.stateId(), g);
          boolean unchanged = before != null && g < before.length && before[g] == p[g] && p[g] >= 0;
          // A position seen before keeps its time; a new one was reached after the last observation.
          after[g] = unchanged ? beforeAfter[g] : observedAtMs;
        }
        String topicId = at[0].topicIds().get(s.stateId());
        ops.add(new GroupCheckpointMetadata.OperatorPositions(s.stateId(), topicId == null ? "" : topicId, p,
            after));
        nowPositions.put(s.stateId(), p);
        nowReachedAfter.put(s.stateId(), after);
      }
      lastPositions = nowPositions;
      lastReachedAfter = nowReachedAfter;
      observedAtMs = capturedAt[0];
      GroupCheckpointMetadata meta = new GroupCheckpointMetadata(GroupCheckpointMetadata.FORMAT_VERSION,
          applicationId, groups, capturedAt[0], batchTimeMs, operators(), ops, sequence);
      pending.complete(codec.toBytes(meta));
      dir.retainNewest(retained);
      LOG.info("Group {}: checkpoint of batch {} written in {} ms: {}", applicationId, batchTimeMs,
          (System.nanoTime() - started) / 1_000_000, at[0]);
    }
  }

  /** Runs {@code action} holding every stateful operator's state exclusively, from {@code from} on. */
  private static <X> X exclusively(List<StatefulNode> nodes, int from, Supplier<X> action) {
    if (from == nodes.size()) {
      return action.get();
    }
    return nodes.get(from).exclusively(() -> exclusively(nodes, from + 1, action));
  }

  /** Deletes {@code dir} if it exists (the live state of a previous run that no checkpoint vouches for). */
  static void deleteLive(java.nio.file.Path live) {
    try {
      if (Files.exists(live)) {
        org.apache.commons.io.file.PathUtils.deleteDirectory(live);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete the live state " + live, e);
    }
  }
}
