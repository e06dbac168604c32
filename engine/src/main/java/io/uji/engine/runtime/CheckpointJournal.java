package io.uji.engine.runtime;

import io.uji.checkpoint.CheckpointDirectory;
import io.uji.checkpoint.CompletedCheckpoint;
import io.uji.checkpoint.CrashPoints;
import io.uji.checkpoint.LogPosition;
import io.uji.checkpoint.PendingCheckpoint;
import io.uji.checkpoint.SegmentedLog;
import io.uji.engine.graph.InputLineage;
import io.uji.engine.graph.InputNode;
import io.uji.engine.graph.StatefulNode;
import io.uji.engine.graph.StreamGraph;
import io.uji.engine.input.FileInputNode;
import io.uji.engine.input.GeneratorInputNode;
import io.uji.engine.input.OffsetRange;
import io.uji.engine.input.WalLineage;
import io.uji.engine.scheduler.Batch;
import io.uji.engine.scheduler.BatchJournal;
import io.uji.serde.KryoSerde;
import io.uji.state.StateStore;
import io.uji.streaming.Time;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable side of the scheduler when a checkpoint directory is set.
 *
 * <ul>
 *   <li>Before a batch is queued, its {@link BatchRecord} is appended to the lineage log and
 *       forced to disk.
 *   <li>After a batch whose time is a multiple of the checkpoint interval (counted from the zero
 *       time) completes, a checkpoint is written: the RocksDB checkpoint of the state, then the
 *       metadata, then the atomic rename that makes it count. The newest few are kept.
 *   <li>Then lineage records and write-ahead log segments that no retained checkpoint needs any
 *       more are deleted. "Needed" reaches back the longest input remember duration before the
 *       oldest retained checkpoint, so windows can be rebuilt after a fallback to it.
 * </ul>
 *
 * <p>Runs on the generator thread ({@link #logBatch}) and the batch runner thread (the rest).
 */
final class CheckpointJournal implements BatchJournal {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointJournal.class);

  private final CheckpointDirectory dir;
  private final SegmentedLog lineage;
  private final KryoSerde<BatchRecord> recordSerde;
  private final KryoSerde<CheckpointMetadata> metadataSerde;
  private final StreamGraph graph;
  private final StateStore store;
  private final Map<Integer, ReceiverWal<?>> wals;
  private final long intervalMs;
  private final long zeroTimeMs;
  private final int retained;
  private final String registryFingerprint;

  /** Retained lineage records by batch time, with their log positions (both threads). */
  private final TreeMap<Long, Logged> logged = new TreeMap<>();
  /** Per input index, its position after the newest batch that completed. */
  private final Map<Integer, Object> positions = new HashMap<>();

  private record Logged(BatchRecord record, LogPosition position) {}

  CheckpointJournal(CheckpointDirectory dir, SegmentedLog lineage, KryoSerde<BatchRecord> recordSerde,
      KryoSerde<CheckpointMetadata> metadataSerde, StreamGraph graph, StateStore store,
      Map<Integer, ReceiverWal<?>> wals, long checkpointIntervalMs, long zeroTimeMs, int retained,
      String registryFingerprint) {
    this.dir = dir;
    this.lineage = lineage;
    this.recordSerde = recordSerde;
    this.metadataSerde = metadataSerde;
    this.graph = graph;
    this.store = store;
    this.wals = wals;
    this.intervalMs = checkpointIntervalMs;
    this.zeroTimeMs = zeroTimeMs;
    this.retained = retained;
    this.registryFingerprint = registryFingerprint;
  }

  /** Seeds what recovery found: retained records and input positions. */
  synchronized void seed(List<BatchRecord> records, List<LogPosition> recordPositions, Map<Integer, Object> inputPositions) {
    for (int i = 0; i < records.size(); i++) {
      logged.put(records.get(i).timeMs(), new Logged(records.get(i), recordPositions.get(i)));
    }
    positions.putAll(inputPositions);
  }

  @Override
  public void logBatch(Batch batch) {
    BatchRecord record = new BatchRecord(batch.seq(), batch.time().milliseconds(), zeroTimeMs, batch.lineage());
    CrashPoints.hit("lineage.before-append");
    LogPosition pos = lineage.append(recordSerde.toBytes(record));
    CrashPoints.hit("lineage.after-append");
    synchronized (this) {
      logged.put(record.timeMs(), new Logged(record, pos));
    }
  }

  @Override
  public void batchCompleted(Time t) {
    Logged l;
    synchronized (this) {
      l = logged.get(t.milliseconds());
    }
    if (l != null) {
      advancePositions(l.record());
    }
    if ((t.milliseconds() - zeroTimeMs) % intervalMs == 0 && l != null) {
      checkpoint(l.record());
    }
  }

  private synchronized void advancePositions(BatchRecord r) {
    for (int i = 0; i < r.inputs().size(); i++) {
      InputLineage in = r.inputs().get(i);
      if (in instanceof WalLineage w && !w.positions().isEmpty()) {
        positions.put(i, w.positions().get(w.positions().size() - 1));
      } else if (in instanceof OffsetRange o) {
        positions.put(i, o.until());
      }
    }
  }

  private void checkpoint(BatchRecord r) {
    long started = System.nanoTime();
    try (PendingCheckpoint pending = dir.begin(r.timeMs())) {
      CrashPoints.hit("checkpoint.before-state");
      if (store != null) {
        // The batch runner is idle here: flush the state partitions in parallel on the workers.
        store.checkpoint(pending.stateDir(), graph.pool().executor());
      } else {
        Files.createDirectories(pending.stateDir());
      }
      CrashPoints.hit("checkpoint.after-state");
      pending.complete(metadataSerde.toBytes(metadata(r)));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write checkpoint of batch " + r.timeMs() + " in " + dir, e);
    }
    dir.retainNewest(retained);
    cleanup();
    LOG.info("Checkpoint of batch {} (seq {}) written in {} ms", r.timeMs(), r.seq(),
        (System.nanoTime() - started) / 1_000_000);
  }

  private CheckpointMetadata metadata(BatchRecord r) {
    List<OperatorInfo> ops = new ArrayList<>();
    for (StatefulNode s : graph.statefulNodes()) {
      ops.add(new OperatorInfo(s.stateId(), s.node().getClass().getSimpleName(), s.numPartitions(), s.typeSignature()));
    }
    List<String> kinds = new ArrayList<>();
    for (InputNode<?> in : graph.inputs()) {
      kinds.add(in.getClass().getSimpleName());
    }
    Map<Integer, Object> pos;
    synchronized (this) {
      pos = new HashMap<>(positions);
    }
    for (int i = 0; i < graph.inputs().size(); i++) {
      if (graph.inputs().get(i) instanceof FileInputNode f) {
        // Every file name taken so far: a file still in the directory is never read twice.
        pos.put(i, f.seenNames());
      }
    }
    return new CheckpointMetadata(CheckpointMetadata.FORMAT_VERSION, graph.batchInterval().milliseconds(), zeroTimeMs,
        r.seq(), r.timeMs(), registryFingerprint, ops, kinds, pos);
  }

  /** Deletes lineage records and WAL segments that no retained checkpoint needs. */
  private void cleanup() {
    List<CompletedCheckpoint> cps = dir.checkpoints();
    if (cps.isEmpty()) {
      return;
    }
    long oldest = cps.get(cps.size() - 1).id();
    long lookback = 0;
    for (InputNode<?> in : graph.inputs()) {
      if (in.rememberDuration() != null) {
        lookback = Math.max(lookback, in.rememberDuration().milliseconds());
      }
    }
    long needFrom = oldest - lookback;
    LogPosition firstNeededRecord;
    Map<Integer, LogPosition> firstNeededBlock = new HashMap<>();
    synchronized (this) {
      logged.headMap(needFrom, true).clear();
      firstNeededRecord = logged.isEmpty() ? null : logged.firstEntry().getValue().position();
      for (Logged l : logged.values()) {
        List<InputLineage> ins = l.record().inputs();
        for (int i = 0; i < ins.size(); i++) {
          if (ins.get(i) instanceof WalLineage w && !w.positions().isEmpty()) {
            firstNeededBlock.putIfAbsent(i, (LogPosition) w.positions().get(0));
          }
        }
      }
      for (Map.Entry<Integer, Object> e : positions.entrySet()) {
        if (e.getValue() instanceof LogPosition p) {
          // Nothing retained references this log: keep from its last allocated block on.
          firstNeededBlock.putIfAbsent(e.getKey(), p);
        }
      }
    }
    CrashPoints.hit("cleanup.before-delete");
    if (firstNeededRecord != null) {
      lineage.deleteSegmentsBefore(firstNeededRecord);
    }
    for (Map.Entry<Integer, LogPosition> e : firstNeededBlock.entrySet()) {
      ReceiverWal<?> wal = wals.get(e.getKey());
      if (wal != null) {
        wal.log().deleteSegmentsBefore(e.getValue());
      }
    }
  }

  @Override
  public void close() {
    lineage.close();
    for (ReceiverWal<?> w : wals.values()) {
      w.close();
    }
  }
}
