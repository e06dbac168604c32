package io.uji.engine.runtime;

import io.uji.checkpoint.CheckpointCorruptedException;
import io.uji.checkpoint.CheckpointDirectory;
import io.uji.checkpoint.CompletedCheckpoint;
import io.uji.checkpoint.ForeignFileException;
import io.uji.checkpoint.VerifiedCheckpoint;
import io.uji.checkpoint.LogEntry;
import io.uji.checkpoint.LogPosition;
import io.uji.checkpoint.SegmentedLog;
import io.uji.engine.graph.InputNode;
import io.uji.engine.graph.StreamGraph;
import io.uji.engine.lineage.InputLineage;
import io.uji.engine.lineage.InputPosition;
import io.uji.engine.scheduler.Batch;
import io.uji.engine.scheduler.BatchScheduler;
import io.uji.serde.KryoSerde;
import io.uji.serde.SerdeException;
import io.uji.state.StateFileDamagedException;
import io.uji.state.StateStore;
import io.uji.state.StateStoreException;
import io.uji.streaming.Clock;
import io.uji.streaming.StreamingException;
import io.uji.streaming.Time;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what a checkpoint directory holds and decides how to resume: which checkpoint to restore
 * and which logged batches to replay after it.
 *
 * <p>A checkpoint is trusted only once verified: its metadata's checksum, that this directory
 * wrote it, every state file's size and CRC32C against its manifest, then, once the state is
 * restored from it, the state's sequence number against the one recorded. A damaged checkpoint
 * is set aside (with every other checkpoint that shares the damaged file through a hard link)
 * with a warning naming the file, and the previous one is tried, with more batches to replay.
 *
 * <p>A program that does not match the checkpoint (another batch interval, other inputs, a
 * stateful operator missing or added, or with another shape) is refused with an error naming
 * what differs: restoring it would give silently wrong state. So is a checkpoint written by
 * another checkpoint directory.
 */
final class Recovery {
  private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

  /**
   * Opens the keyed state the recovery decides on. Both return null when the program has no
   * stateful operator.
   */
  interface StateOpener {
    /**
     * @param dirtyEntriesCrc32c the recorded CRC32C of the checkpoint's {@link
     *     StateStore#DIRTY_ENTRIES_FILE}, which its verification left to the restore to check
     *     while reading it; empty if none was recorded
     * @return a store restored from a checkpoint's state directory
     * @throws io.uji.state.StateFileDamagedException if that file's CRC32C differs
     * @throws io.uji.state.StateStoreException if the state cannot be restored
     */
    StateStore restore(Path checkpointStateDir, OptionalInt dirtyEntriesCrc32c);

    /** @return an empty store, for a start without a usable checkpoint */
    StateStore openEmpty();
  }

  /** What to resume from. The caller owns {@link #store()} and must close it. */
  record Plan(
      CompletedCheckpoint checkpoint,
      CheckpointMetadata metadata,
      StateStore store,
      long zeroTimeMs,
      List<BatchRecord> records,
      List<LogPosition> recordPositions,
      long lastSeq,
      long lastTimeMs,
      List<String> setAside,
      StateMigration migration) {

    boolean fresh() {
      return checkpoint == null && records.isEmpty();
    }

    /** @return the records of batches after the checkpoint, to run again */
    List<BatchRecord> toReplay() {
      long after = checkpoint == null ? Long.MIN_VALUE : metadata.batchSeq();
      return records.stream().filter(r -> r.seq() > after).toList();
    }

    /**
     * @param rememberMs how far back windows read the inputs
     * @return the records whose inputs are read again: those to replay and, within the windows'
     *     reach, those before the checkpoint
     */
    List<BatchRecord> needed(long rememberMs) {
      long lookbackFrom = metadata == null ? Long.MIN_VALUE : metadata.batchTimeMs() - rememberMs;
      List<BatchRecord> out = new ArrayList<>();
      for (BatchRecord r : lookback()) {
        if (r.timeMs() > lookbackFrom) {
          out.add(r);
        }
      }
      out.addAll(toReplay());
      return out;
    }

    /** @return why batches before the newest checkpoint are replayed, for messages ("" if they are not) */
    String whyReplayed() {
      return setAside.isEmpty() ? "" : " They are replayed because newer checkpoints were set aside as damaged: "
          + setAside;
    }

    /** @return the records at or before the checkpoint that windows may still need */
    List<BatchRecord> lookback() {
      long upTo = checkpoint == null ? Long.MIN_VALUE : metadata.batchSeq();
      return records.stream().filter(r -> r.seq() <= upTo).toList();
    }
  }

  /** A verified checkpoint, its metadata and the state restored from it. */
  private record Chosen(CompletedCheckpoint checkpoint, CheckpointMetadata metadata, StateStore store,
      StateMigration migration) {}

  private Recovery() {}

  /**
   * @param allowNonRestoredState whether the checkpoint's state for operators the program no
   *     longer has may be dropped (see {@link StateMigration})
   * @return the plan; its store is restored from the chosen checkpoint, or empty without one
   * @throws StreamingException if the program does not match the checkpoint, a file belongs to
   *     another checkpoint directory, or the state cannot be rebuilt exactly
   */
  static Plan plan(CheckpointDirectory dir, SegmentedLog lineage, KryoSerde<BatchRecord> recordSerde,
      KryoSerde<ProgramInfo> programSerde, MetadataCodec metadataCodec, StreamGraph graph, StateOpener state,
      boolean allowNonRestoredState) {
    checkProgram(dir, programSerde, graph);
    List<BatchRecord> records = new ArrayList<>();
    List<LogPosition> positions = new ArrayList<>();
    for (LogEntry e : lineage.readAllFrom(lineage.start())) {
      try {
        records.add(recordSerde.fromBytes(e.payload()).upgrade());
      } catch (SerdeException ex) {
        throw new StreamingException("The lineage log record at " + e.position() + " in " + lineage.directory()
            + " cannot be read; was the checkpoint directory written by another program?", ex);
      }
      positions.add(e.position());
    }
    List<String> setAside = new ArrayList<>();
    Chosen chosen = choose(dir, metadataCodec, graph, state, setAside, allowNonRestoredState);
    StateStore store = chosen != null ? chosen.store() : null;
    try {
      if (chosen == null) {
        if (!setAside.isEmpty() || !dir.checkpoints().isEmpty()) {
          LOG.warn("No usable checkpoint in {}; replaying the whole lineage log", dir.root());
        }
        store = state.openEmpty();
      }
      CheckpointMetadata meta = chosen == null ? null : chosen.metadata();
      for (BatchRecord r : records) {
        if (r.inputs().size() != graph.inputs().size()) {
          throw new StreamingException("The program has " + graph.inputs().size() + " input streams but the batches in "
              + dir.root() + " have " + r.inputs().size() + "; it cannot resume from this checkpoint directory");
        }
      }
      checkContiguous(records, meta, dir, setAside);
      long zero = meta != null ? meta.zeroTimeMs()
          : records.isEmpty() ? Long.MIN_VALUE : records.get(0).zeroTimeMs();
      long lastSeq = meta != null ? meta.batchSeq() : 0;
      long lastTime = meta != null ? meta.batchTimeMs() : Long.MIN_VALUE;
      if (!records.isEmpty()) {
        BatchRecord last = records.get(records.size() - 1);
        lastSeq = Math.max(lastSeq, last.seq());
        lastTime = Math.max(lastTime, last.timeMs());
      }
      return new Plan(chosen == null ? null : chosen.checkpoint(), meta, store, zero, records, positions, lastSeq,
          lastTime, List.copyOf(setAside), chosen == null ? StateMigration.none() : chosen.migration());
    } catch (RuntimeException | Error e) {
      closeQuietly(store, e);
      throw e;
    }
  }

  /**
   * @return the newest checkpoint that verifies, with its state restored, or null if none does
   *     (the damaged ones are set aside and described in {@code setAside})
   */
  private static Chosen choose(CheckpointDirectory dir, MetadataCodec codec, StreamGraph graph, StateOpener state,
      List<String> setAside, boolean allowNonRestoredState) {
    Set<Path> condemned = new HashSet<>();
    for (CompletedCheckpoint cp : dir.checkpoints()) {
      if (condemned.contains(cp.dir())) {
        continue;
      }
      try {
        return restore(dir, cp, codec, graph, state, allowNonRestoredState);
      } catch (CheckpointCorruptedException e) {
        condemn(dir, cp, e, condemned, setAside);
      }
    }
    return null;
  }

  private static Chosen restore(CheckpointDirectory dir, CompletedCheckpoint cp, MetadataCodec codec,
      StreamGraph graph, StateOpener state, boolean allowNonRestoredState) {
    VerifiedCheckpoint verified;
    try {
      // The dirty-entries file (tens of MB at 1 M keys) is checked by the restore as it reads it.
      verified = dir.verify(cp, Set.of(StateStore.DIRTY_ENTRIES_FILE));
    } catch (ForeignFileException e) {
      throw new StreamingException("Refusing to resume from " + dir.root() + ": " + e.getMessage(), e);
    }
    CheckpointMetadata meta;
    try {
      meta = codec.read(verified);
    } catch (SerdeException e) {
      throw new CheckpointCorruptedException(cp.metadataFile(), "its checksum is right but it cannot be read as "
          + "checkpoint metadata (" + e.getMessage() + ")", e);
    }
    StateMigration migration = validate(meta, graph, dir, allowNonRestoredState);
    StateStore store;
    try {
      store = state.restore(cp.stateDir(), verified.crc32cLeftToReader(StateStore.DIRTY_ENTRIES_FILE));
    } catch (StateFileDamagedException e) {
      // What the verification would have found, found by the restore: the same fallback.
      throw new CheckpointCorruptedException(e.file(), e.reason(), e);
    } catch (StateStoreException e) {
      if (verified.legacy()) {
        // Written before checkpoints had a manifest: a RocksDB that cannot open is the only sign.
        throw new CheckpointCorruptedException(cp.stateDir(), "the state cannot be opened (" + e.getMessage() + ")", e);
      }
      throw new StreamingException("Cannot restore the state of checkpoint " + cp.dir()
          + " (its files are intact, so this is not damage to the checkpoint): " + e.getMessage(), e);
    }
    if (store != null && meta.stateSequence() != CheckpointMetadata.UNKNOWN_SEQUENCE
        && store.restoredSequenceNumber() != meta.stateSequence()) {
      long found = store.restoredSequenceNumber();
      closeQuietly(store, null);
      throw new CheckpointCorruptedException(cp.stateDir(), "the state restored from it is at sequence number "
          + found + " but the checkpoint recorded " + meta.stateSequence()
          + ": RocksDB opened another version of the state than the one checkpointed");
    }
    return new Chosen(cp, meta, store, migration);
  }

  /**
   * Sets a damaged checkpoint aside, with every other checkpoint holding the same damaged state
   * file (hard links share one copy of the bytes), and logs what and why.
   */
  private static void condemn(CheckpointDirectory dir, CompletedCheckpoint cp, CheckpointCorruptedException e,
      Set<Path> condemned, List<String> setAside) {
    List<CompletedCheckpoint> doomed = new ArrayList<>();
    doomed.add(cp);
    if (e.file() != null && e.file().startsWith(cp.stateDir()) && Files.isRegularFile(e.file())) {
      for (CompletedCheckpoint other : dir.checkpointsSharing(e.file())) {
        if (!other.dir().equals(cp.dir()) && !condemned.contains(other.dir())) {
          doomed.add(other);
        }
      }
    }
    String shared = doomed.size() == 1 ? ""
        : " The damaged file is shared (hard links) by checkpoints "
            + doomed.stream().map(c -> c.dir().getFileName().toString()).toList() + ": all of them are set aside.";
    for (CompletedCheckpoint c : doomed) {
      Path aside = dir.setAside(c, e.getMessage() + shared);
      condemned.add(c.dir());
      setAside.add(c.dir().getFileName() + " (" + (c == cp ? e.getMessage() : "shares the damaged file") + ")");
      LOG.warn("Checkpoint {} is unusable: {}.{} Moved it to {}; falling back to the previous checkpoint", c.dir(),
          e.getMessage(), shared, aside);
    }
  }

  private static void closeQuietly(StateStore store, Throwable failure) {
    if (store == null) {
      return;
    }
    try {
      store.close();
    } catch (RuntimeException e) {
      if (failure != null) {
        failure.addSuppressed(e);
      }
    }
  }

  /** Every batch after the checkpoint must be in the log, or the state cannot be rebuilt exactly. */
  private static void checkContiguous(List<BatchRecord> records, CheckpointMetadata meta, CheckpointDirectory dir,
      List<String> setAside) {
    long expected = meta != null ? meta.batchSeq() + 1 : 1;
    for (BatchRecord r : records) {
      if (r.seq() < expected) {
        continue;
      }
      if (r.seq() != expected) {
        if (meta == null && !setAside.isEmpty()) {
          throw new StreamingException("Every checkpoint in " + dir.root() + " is damaged and was set aside "
              + setAside + ", and the lineage log no longer starts at batch 1 (it starts at batch " + r.seq()
              + "), so the state cannot be rebuilt exactly. Restore the directory from a backup, or move it away to "
              + "start again from empty state");
        }
        throw new StreamingException("The lineage log in " + dir.root() + " lacks batch " + expected
            + " (next is " + r.seq() + ") after the checkpoint it resumes from; the state cannot be rebuilt exactly");
      }
      expected++;
    }
  }

  /** @return how the checkpoint's state maps onto the program's stateful operators */
  private static StateMigration validate(CheckpointMetadata meta, StreamGraph graph, CheckpointDirectory dir,
      boolean allowNonRestoredState) {
    String where = "the checkpoint in " + dir.root();
    if (meta.formatVersion() > CheckpointMetadata.FORMAT_VERSION) {
      throw new StreamingException("The checkpoint in " + dir.root() + " has format " + meta.formatVersion()
          + ", newer than this version of Uji reads (" + CheckpointMetadata.FORMAT_VERSION + ")");
    }
    ProgramCheck.batchIntervalAndInputs(meta.batchIntervalMs(), meta.inputs(), graph, where);
    return StateMigration.plan(meta.operators(), graph, allowNonRestoredState, where);
  }

  /**
   * Checks the program against the directory's PROGRAM file (what the program that wrote it
   * from its first start on read), then records the program there.
   */
  static void checkProgram(CheckpointDirectory dir, KryoSerde<ProgramInfo> serde, StreamGraph graph) {
    ProgramInfo mine = ProgramCheck.describe(graph);
    java.util.Optional<byte[]> recorded = dir.readProgram();
    if (recorded.isPresent()) {
      ProgramInfo theirs;
      try {
        theirs = serde.fromBytes(recorded.get());
      } catch (SerdeException e) {
        throw new StreamingException("The PROGRAM file of " + dir.root() + " cannot be read; was the directory"
            + " written by a newer version of Uji?", e);
      }
      ProgramCheck.batchIntervalAndInputs(theirs.batchIntervalMs(), theirs.inputs(), graph, dir.root().toString());
      if (theirs.equals(mine)) {
        return;
      }
    }
    dir.writeProgram(serde.toBytes(mine));
  }

  /**
   * Applies a plan to the program before it starts: every input continues after the last logged
   * batch, the inputs of batches before the checkpoint that windows may still read are
   * registered again, the batches after the checkpoint are queued for replay, and receivers get
   * back the blocks they had logged but no batch took.
   *
   * @return the number of batches queued for replay
   */
  static int apply(Plan plan, StreamGraph graph, BatchScheduler scheduler, Clock clock, CheckpointJournal journal) {
    List<InputNode<?, ?, ?>> inputs = graph.inputs();
    List<InputPosition> positions = plan.metadata() == null
        ? new ArrayList<>(java.util.Collections.nCopies(inputs.size(), null))
        : new ArrayList<>(plan.metadata().inputPositions());
    List<BatchRecord> replay = plan.toReplay();
    for (BatchRecord r : replay) {
      for (int i = 0; i < inputs.size(); i++) {
        positions.set(i, inputs.get(i).positionAfter(positions.get(i), r.inputs().get(i)));
      }
    }
    journal.seed(plan.records(), plan.recordPositions(), positions);
    long lookbackFrom = plan.metadata() == null ? Long.MIN_VALUE
        : plan.metadata().batchTimeMs() - maxRememberMs(inputs);
    for (BatchRecord r : plan.lookback()) {
      if (r.timeMs() <= lookbackFrom) {
        continue; // the same rule as Plan.needed
      }
      Time t = new Time(r.timeMs());
      for (int i = 0; i < inputs.size(); i++) {
        if (r.inputs().get(i) != null) {
          inputs.get(i).restore(t, r.inputs().get(i));
        }
      }
    }
    for (BatchRecord r : replay) {
      Time t = new Time(r.timeMs());
      List<InputNode.Allocation<?>> allocs = new ArrayList<>();
      for (int i = 0; i < inputs.size(); i++) {
        InputLineage l = r.inputs().get(i);
        allocs.add(l == null ? inputs.get(i).allocate(t) : inputs.get(i).restore(t, l));
      }
      scheduler.enqueueReplay(new Batch(r.seq(), t, clock.getTimeMillis(), allocs, true));
    }
    for (int i = 0; i < inputs.size(); i++) {
      inputs.get(i).resume(positions.get(i));
    }
    scheduler.resumeAfter(plan.lastSeq(), plan.lastTimeMs());
    return replay.size();
  }

  /** @return how far back windows reach into the inputs (their longest remember duration) */
  static long maxRememberMs(List<InputNode<?, ?, ?>> inputs) {
    long max = 0;
    for (InputNode<?, ?, ?> in : inputs) {
      if (in.rememberDuration() != null) {
        max = Math.max(max, in.rememberDuration().milliseconds());
      }
    }
    return max;
  }
}
