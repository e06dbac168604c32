package io.uji.engine.runtime;

import io.uji.checkpoint.CheckpointCorruptedException;
import io.uji.checkpoint.CheckpointDirectory;
import io.uji.checkpoint.CompletedCheckpoint;
import io.uji.checkpoint.LogEntry;
import io.uji.checkpoint.LogPosition;
import io.uji.checkpoint.SegmentedLog;
import io.uji.engine.graph.InputNode;
import io.uji.engine.graph.StatefulNode;
import io.uji.engine.graph.StreamGraph;
import io.uji.serde.KryoSerde;
import io.uji.serde.SerdeException;
import io.uji.streaming.StreamingException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what a checkpoint directory holds and decides how to resume: which checkpoint to restore
 * (the newest readable one; a corrupt or incomplete newest one falls back to the previous with a
 * warning), and which logged batches to replay after it.
 *
 * <p>A program that does not match the checkpoint (another batch interval, other inputs, a
 * stateful operator missing or added, or with another shape) is refused with an error naming
 * what differs: restoring it would give silently wrong state.
 */
final class Recovery {
  private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

  /** What to resume from. */
  record Plan(
      CompletedCheckpoint checkpoint,
      CheckpointMetadata metadata,
      long zeroTimeMs,
      List<BatchRecord> records,
      List<LogPosition> recordPositions,
      long lastSeq,
      long lastTimeMs) {

    boolean fresh() {
      return checkpoint == null && records.isEmpty();
    }

    /** @return the records of batches after the checkpoint, to run again */
    List<BatchRecord> toReplay() {
      long after = checkpoint == null ? Long.MIN_VALUE : metadata.batchSeq();
      return records.stream().filter(r -> r.seq() > after).toList();
    }

    /** @return the records at or before the checkpoint that windows may still need */
    List<BatchRecord> lookback() {
      long upTo = checkpoint == null ? Long.MIN_VALUE : metadata.batchSeq();
      return records.stream().filter(r -> r.seq() <= upTo).toList();
    }
  }

  private Recovery() {}

  static Plan plan(CheckpointDirectory dir, SegmentedLog lineage, KryoSerde<BatchRecord> recordSerde,
      KryoSerde<CheckpointMetadata> metadataSerde, StreamGraph graph) {
    List<BatchRecord> records = new ArrayList<>();
    List<LogPosition> positions = new ArrayList<>();
    for (LogEntry e : lineage.readAllFrom(lineage.start())) {
      try {
        records.add(recordSerde.fromBytes(e.payload()));
      } catch (SerdeException ex) {
        throw new StreamingException("The lineage log record at " + e.position() + " in " + lineage.directory()
            + " cannot be read; was the checkpoint directory written by another program?", ex);
      }
      positions.add(e.position());
    }
    CompletedCheckpoint chosen = null;
    CheckpointMetadata meta = null;
    for (CompletedCheckpoint cp : dir.checkpoints()) {
      try {
        if (!Files.isDirectory(cp.stateDir())) {
          throw new CheckpointCorruptedException(cp.stateDir(), "the state directory is missing");
        }
        meta = metadataSerde.fromBytes(cp.readMetadata());
        chosen = cp;
        break;
      } catch (CheckpointCorruptedException | SerdeException e) {
        LOG.warn("Checkpoint {} is unusable ({}); falling back to the previous one", cp.dir(), e.getMessage());
        setAside(cp);
      }
    }
    if (chosen == null && !dir.checkpoints().isEmpty()) {
      LOG.warn("No usable checkpoint in {}; replaying the whole lineage log", dir.root());
    }
    if (meta != null) {
      validate(meta, graph, dir);
    }
    for (BatchRecord r : records) {
      if (r.inputs().size() != graph.inputs().size()) {
        throw new StreamingException("The program has " + graph.inputs().size() + " input streams but the batches in "
            + dir.root() + " have " + r.inputs().size() + "; it cannot resume from this checkpoint directory");
      }
    }
    checkContiguous(records, meta, dir);
    long zero = meta != null ? meta.zeroTimeMs()
        : records.isEmpty() ? Long.MIN_VALUE : records.get(0).zeroTimeMs();
    long lastSeq = meta != null ? meta.batchSeq() : 0;
    long lastTime = meta != null ? meta.batchTimeMs() : Long.MIN_VALUE;
    if (!records.isEmpty()) {
      BatchRecord last = records.get(records.size() - 1);
      lastSeq = Math.max(lastSeq, last.seq());
      lastTime = Math.max(lastTime, last.timeMs());
    }
    return new Plan(chosen, meta, zero, records, positions, lastSeq, lastTime);
  }

  /**
   * Renames an unusable checkpoint out of the way (kept for inspection, no longer listed), so the
   * replayed batch that wrote it can write it again.
   */
  private static void setAside(CompletedCheckpoint cp) {
    Path aside = cp.dir().resolveSibling(cp.dir().getFileName() + ".corrupt-" + System.currentTimeMillis());
    try {
      Files.move(cp.dir(), aside, StandardCopyOption.ATOMIC_MOVE);
      LOG.warn("Moved the unusable checkpoint to {}", aside);
    } catch (IOException e) {
      throw new StreamingException("Cannot move the unusable checkpoint " + cp.dir() + " aside", e);
    }
  }

  /** Every batch after the checkpoint must be in the log, or the state cannot be rebuilt exactly. */
  private static void checkContiguous(List<BatchRecord> records, CheckpointMetadata meta, CheckpointDirectory dir) {
    long expected = meta != null ? meta.batchSeq() + 1 : 1;
    for (BatchRecord r : records) {
      if (r.seq() < expected) {
        continue;
      }
      if (r.seq() != expected) {
        throw new StreamingException("The lineage log in " + dir.root() + " lacks batch " + expected
            + " (next is " + r.seq() + ") after the checkpoint it resumes from; the state cannot be rebuilt exactly");
      }
      expected++;
    }
  }

  private static void validate(CheckpointMetadata meta, StreamGraph graph, CheckpointDirectory dir) {
    if (meta.formatVersion() > CheckpointMetadata.FORMAT_VERSION) {
      throw new StreamingException("The checkpoint in " + dir.root() + " has format " + meta.formatVersion()
          + ", newer than this version of Uji reads (" + CheckpointMetadata.FORMAT_VERSION + ")");
    }
    if (meta.batchIntervalMs() != graph.batchInterval().milliseconds()) {
      throw new StreamingException("The checkpoint in " + dir.root() + " was written with a batch interval of "
          + meta.batchIntervalMs() + " ms; the program uses " + graph.batchInterval().milliseconds() + " ms");
    }
    List<String> kinds = new ArrayList<>();
    for (InputNode<?> in : graph.inputs()) {
      kinds.add(in.getClass().getSimpleName());
    }
    if (!kinds.equals(meta.inputKinds())) {
      throw new StreamingException("The program's input streams " + kinds + " differ from the checkpoint's "
          + meta.inputKinds() + " in " + dir.root());
    }
    Map<String, OperatorInfo> saved = new HashMap<>();
    for (OperatorInfo op : meta.operators()) {
      saved.put(op.id(), op);
    }
    for (StatefulNode s : graph.statefulNodes()) {
      OperatorInfo op = saved.remove(s.stateId());
      if (op == null) {
        throw new StreamingException("The stateful operator '" + s.stateId() + "' is not in the checkpoint in "
            + dir.root() + " (it has " + meta.operators().stream().map(OperatorInfo::id).toList()
            + "); name stateful operators with .name(...) so they keep their ids across program changes");
      }
      String kind = s.node().getClass().getSimpleName();
      if (!op.kind().equals(kind) || op.numPartitions() != s.numPartitions()) {
        throw new StreamingException("The stateful operator '" + s.stateId() + "' was a " + op.kind() + " with "
            + op.numPartitions() + " partitions in the checkpoint in " + dir.root() + "; the program has a " + kind
            + " with " + s.numPartitions() + " partitions");
      }
    }
    if (!saved.isEmpty()) {
      throw new StreamingException("The checkpoint in " + dir.root() + " has state for operators " + saved.keySet()
          + " that the program no longer has; refusing to drop their state silently");
    }
  }
}
