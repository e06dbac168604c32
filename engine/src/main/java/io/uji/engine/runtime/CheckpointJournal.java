package io.uji.engine.runtime;

import io.uji.checkpoint.CheckpointDirectory;
import io.uji.checkpoint.CompletedCheckpoint;
import io.uji.checkpoint.CrashPoints;
import io.uji.checkpoint.LogPosition;
import io.uji.checkpoint.PendingCheckpoint;
import io.uji.checkpoint.SegmentedLog;
import io.uji.engine.graph.InputNode;
import io.uji.engine.hooks.CheckpointReport;
import io.uji.engine.hooks.EngineObserver;
import io.uji.engine.graph.StatefulNode;
import io.uji.engine.graph.StreamGraph;
import io.uji.engine.lineage.InputLineage;
import io.uji.engine.lineage.InputPosition;
import io.uji.engine.scheduler.Batch;
import io.uji.engine.scheduler.BatchJournal;
import io.uji.serde.KryoSerde;
import io.uji.state.StateSnapshot;
import io.uji.state.StateStore;
import io.uji.streaming.Time;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable side of the scheduler when a checkpoint directory is set.
 *
 * <ul>
 *   <li>Before a batch is queued, its {@link BatchRecord} is appended to the lineage log and
 *       forced to disk.
 *   <li>After a batch whose time is a multiple of the checkpoint interval (counted from the zero
 *       time) completes, a checkpoint of it is taken in two phases (Flink's synchronous and
 *       asynchronous parts). On the batch runner, at the batch boundary: the state's dirty cache
 *       entries are captured ({@link StateStore#beginCheckpoint}) and the metadata is built. On
 *       the checkpoint writer thread, while later batches run: the captured entries and the
 *       RocksDB checkpoint of the state, then the metadata, then the atomic rename that makes
 *       the checkpoint count. The newest few are kept. One checkpoint is in flight at a time:
 *       the next one's capture waits for it.
 *   <li>Then lineage records and write-ahead log segments that no retained checkpoint needs any
 *       more are deleted. "Needed" reaches back the longest input remember duration before the
 *       oldest retained checkpoint, so windows can be rebuilt after a fallback to it.
 * </ul>
 *
 * <p>A batch is reported complete before its checkpoint is durable; until the checkpoint is,
 * recovery falls back to the previous one and replays the batches after it (nothing is deleted
 * before a newer checkpoint completes). A checkpoint that fails stops the context, as a failed
 * batch does.
 *
 * <p>Runs on the generator thread ({@link #logBatch}), the batch runner thread ({@link
 * #batchCompleted}) and the checkpoint writer thread (the writing and the cleanup).
 */
final class CheckpointJournal implements BatchJournal {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointJournal.class);

  /**
   * How the journal checkpoints.
   *
   * @param intervalMs checkpoint after each batch whose time minus the zero time is a multiple
   * @param zeroTimeMs the graph's zero time
   * @param retained completed checkpoints kept
   * @param registryFingerprint the Kryo registry's fingerprint, recorded in the metadata
   * @param contextName names the writer thread
   */
  record Settings(long intervalMs, long zeroTimeMs, int retained, String registryFingerprint, String contextName) {}

  private final CheckpointDirectory dir;
  private final SegmentedLog lineage;
  private final KryoSerde<BatchRecord> recordSerde;
  private final MetadataCodec metadataCodec;
  private final StreamGraph graph;
  private final StateStore store;
  private final Settings settings;
  private final Consumer<Throwable> onFailure;
  private final EngineObserver observer;
  /** Writes checkpoints after their batch, one at a time. */
  private final ExecutorService writer;
  /** The checkpoint being written (batch runner and close only). */
  private Future<?> inFlight = CompletableFuture.completedFuture(null);
  /** Set when a checkpoint failed: later batches fail instead of running without checkpoints. */
  private volatile Throwable failure;

  /** Retained lineage records by batch time, with their log positions (both threads). */
  private final TreeMap<Long, Logged> logged = new TreeMap<>();
  /** Per input (graph order), its position after the newest batch that completed. */
  private final InputPosition[] positions;
  /** The newest batch that completed and the newest checkpointed (batch runner only). */
  private long lastCompletedMs = Long.MIN_VALUE;
  private long lastCheckpointedMs = Long.MIN_VALUE;

  private record Logged(BatchRecord record, LogPosition position) {}

  /**
   * @param lineage the lineage log, which the journal owns from now on (closed by {@link #close})
   * @param store the state store, or null without stateful operators (not owned)
   */
  CheckpointJournal(CheckpointDirectory dir, SegmentedLog lineage, KryoSerde<BatchRecord> recordSerde,
      MetadataCodec metadataCodec, StreamGraph graph, StateStore store, Settings settings,
      Consumer<Throwable> onFailure, EngineObserver observer) {
    this.observer = observer;
    this.dir = dir;
    this.lineage = lineage;
    this.recordSerde = recordSerde;
    this.metadataCodec = metadataCodec;
    this.graph = graph;
    this.store = store;
    this.settings = settings;
    this.onFailure = onFailure;
    this.positions = new InputPosition[graph.inputs().size()];
    this.writer = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, settings.contextName() + "-checkpoint-writer");
      t.setDaemon(true);
      return t;
    });
  }

  /** Seeds what recovery found: retained records and input positions. */
  synchronized void seed(List<BatchRecord> records, List<LogPosition> recordPositions,
      List<InputPosition> inputPositions) {
    for (int i = 0; i < records.size(); i++) {
      logged.put(records.get(i).timeMs(), new Logged(records.get(i), recordPositions.get(i)));
    }
    for (int i = 0; i < positions.length; i++) {
      positions[i] = inputPositions.get(i);
    }
  }

  @Override
  public void logBatch(Batch batch) {
    BatchRecord record = new BatchRecord(batch.seq(), batch.time().milliseconds(), settings.zeroTimeMs(),
        batch.lineage());
    CrashPoints.hit("lineage.before-append");
    LogPosition pos = lineage.append(recordSerde.toBytes(record));
    CrashPoints.hit("lineage.after-append");
    synchronized (this) {
      logged.put(record.timeMs(), new Logged(record, pos));
    }
  }

  @Override
  public void batchCompleted(Time t) {
    Throwable failed = failure;
    if (failed != null) {
      throw new IllegalStateException("A checkpoint failed earlier; batch " + t + " cannot be made durable", failed);
    }
    Logged l;
    synchronized (this) {
      l = logged.get(t.milliseconds());
    }
    if (l != null) {
      advancePositions(l.record());
      lastCompletedMs = t.milliseconds();
    }
    if ((t.milliseconds() - settings.zeroTimeMs()) % settings.intervalMs() == 0 && l != null) {
      checkpoint(l.record());
    }
  }

  /**
   * A checkpoint of the last completed batch, off the checkpoint interval, unless it has one: it
   * goes through the same two phases and verification as every checkpoint, and a restart then
   * has no batch to replay.
   */
  @Override
  public void finalCheckpoint() {
    if (lastCompletedMs == Long.MIN_VALUE || lastCompletedMs == lastCheckpointedMs) {
      return;
    }
    Logged l;
    synchronized (this) {
      l = logged.get(lastCompletedMs);
    }
    if (l != null) {
      LOG.info("Graceful stop: checkpoint of the last batch {} (seq {})", l.record().timeMs(), l.record().seq());
      checkpoint(l.record());
    }
  }

  private synchronized void advancePositions(BatchRecord r) {
    List<InputNode<?, ?, ?>> inputs = graph.inputs();
    for (int i = 0; i < positions.length; i++) {
      positions[i] = inputs.get(i).positionAfter(positions[i], r.inputs().get(i));
    }
  }

  /** The synchronous part, on the batch runner: capture the state, build the metadata, hand over. */
  private void checkpoint(BatchRecord r) {
    awaitInFlight();
    lastCheckpointedMs = r.timeMs();
    long started = System.nanoTime();
    CheckpointMetadata meta = metadata(r);
    PendingCheckpoint pending = dir.begin(r.timeMs());
    StateSnapshot snapshot;
    try {
      // The batch runner is idle here: capture the state partitions in parallel on the workers.
      // The capture changes the caches' bookkeeping: queries of the state wait for it.
      snapshot = store == null ? null : exclusively(graph.statefulNodes(), 0,
          () -> store.beginCheckpoint(graph.pool().executor()));
    } catch (RuntimeException | Error e) {
      pending.close();
      throw e;
    }
    long captured = System.nanoTime();
    try {
      inFlight = writer.submit(() -> write(r, pending, snapshot, meta, started, captured));
    } catch (RejectedExecutionException closed) {
      // Closing: the snapshot must still be written, or later state writes would wait forever.
      write(r, pending, snapshot, meta, started, captured);
    }
  }

  /** The asynchronous part, on the writer thread. */
  private void write(BatchRecord r, PendingCheckpoint pending, StateSnapshot snapshot, CheckpointMetadata meta,
      long started, long captured) {
    try (pending) {
      CrashPoints.hit("checkpoint.before-state");
      long sequence = CheckpointMetadata.UNKNOWN_SEQUENCE;
      if (snapshot != null) {
        sequence = snapshot.writeTo(pending.stateDir());
      } else {
        Files.createDirectories(pending.stateDir());
      }
      CrashPoints.hit("checkpoint.after-state");
      CompletedCheckpoint done = pending.complete(metadataCodec.toBytes(meta.withStateSequence(sequence)));
      dir.retainNewest(settings.retained());
      cleanup();
      long durationMs = (System.nanoTime() - started) / 1_000_000;
      LOG.info("Checkpoint of batch {} (seq {}) written in {} ms ({} ms on the batch thread)", r.timeMs(), r.seq(),
          durationMs, (captured - started) / 1_000_000);
      if (observer != EngineObserver.NONE) {
        observer.checkpointCompleted(new CheckpointReport(r.timeMs(), durationMs, (captured - started) / 1_000_000,
            sizeOf(done.dir()), System.currentTimeMillis()));
      }
    } catch (IOException | RuntimeException | Error e) {
      Throwable reported = e instanceof IOException io
          ? new UncheckedIOException("Cannot write checkpoint of batch " + r.timeMs() + " in " + dir, io)
          : e;
      failure = reported;
      LOG.error("Checkpoint of batch {} failed; stopping the context", r.timeMs(), e);
      observer.failed("the checkpoint of batch " + r.timeMs() + " ms", reported);
      onFailure.accept(reported);
    }
  }

  /** Runs {@code action} holding every stateful operator's state exclusively, from {@code from} on. */
  private static <X> X exclusively(List<StatefulNode> nodes, int from, java.util.function.Supplier<X> action) {
    if (from == nodes.size()) {
      return action.get();
    }
    return nodes.get(from).exclusively(() -> exclusively(nodes, from + 1, action));
  }

  /** @return the bytes of every file under {@code dir} (hard links counted at their full size), or -1 */
  private static long sizeOf(java.nio.file.Path dir) {
    try (java.util.stream.Stream<java.nio.file.Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    } catch (IOException | UncheckedIOException e) {
      LOG.debug("Cannot measure checkpoint {}", dir, e);
      return -1;
    }
  }

  /** Waits for the checkpoint in flight, if any (its failure, if any, is reported by itself). */
  private void awaitInFlight() {
    try {
      inFlight.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for the checkpoint in flight", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("The checkpoint in flight failed", e.getCause());
    }
    Throwable failed = failure;
    if (failed != null) {
      throw new IllegalStateException("A checkpoint failed earlier", failed);
    }
  }

  private CheckpointMetadata metadata(BatchRecord r) {
    List<OperatorInfo> ops = new ArrayList<>();
    for (StatefulNode s : graph.statefulNodes()) {
      ops.add(new OperatorInfo(s.stateId(), s.kind(), s.numPartitions(), s.typeSignature()));
    }
    List<InputInfo> inputs = new ArrayList<>();
    List<InputPosition> pos = new ArrayList<>();
    synchronized (this) {
      for (int i = 0; i < positions.length; i++) {
        InputNode<?, ?, ?> in = graph.inputs().get(i);
        inputs.add(InputInfo.of(in));
        pos.add(in.checkpointPosition(positions[i]));
      }
    }
    return new CheckpointMetadata(CheckpointMetadata.FORMAT_VERSION, graph.batchInterval().milliseconds(),
        settings.zeroTimeMs(), r.seq(), r.timeMs(), settings.registryFingerprint(), ops, inputs, pos,
        CheckpointMetadata.UNKNOWN_SEQUENCE);
  }

  /**
   * Deletes lineage records that no retained checkpoint needs, and has each input let go of what
   * of its own log they no longer need.
   */
  private void cleanup() {
    List<CompletedCheckpoint> cps = dir.checkpoints();
    if (cps.isEmpty()) {
      return;
    }
    long oldest = cps.get(cps.size() - 1).id();
    long lookback = 0;
    for (InputNode<?, ?, ?> in : graph.inputs()) {
      if (in.rememberDuration() != null) {
        lookback = Math.max(lookback, in.rememberDuration().milliseconds());
      }
    }
    long needFrom = oldest - lookback;
    LogPosition firstNeededRecord;
    List<List<InputLineage>> retained = new ArrayList<>();
    InputPosition[] at;
    synchronized (this) {
      logged.headMap(needFrom, true).clear();
      firstNeededRecord = logged.isEmpty() ? null : logged.firstEntry().getValue().position();
      for (int i = 0; i < positions.length; i++) {
        List<InputLineage> own = new ArrayList<>();
        for (Logged l : logged.values()) {
          own.add(l.record().inputs().get(i));
        }
        retained.add(own);
      }
      at = Arrays.copyOf(positions, positions.length);
    }
    CrashPoints.hit("cleanup.before-delete");
    if (firstNeededRecord != null) {
      lineage.deleteSegmentsBefore(firstNeededRecord);
    }
    for (int i = 0; i < at.length; i++) {
      graph.inputs().get(i).trim(retained.get(i), at[i]);
    }
  }

  /** Waits for the checkpoint in flight to be written, then closes the lineage log. */
  @Override
  public void close() {
    writer.shutdown();
    boolean interrupted = false;
    while (true) {
      try {
        if (writer.awaitTermination(1, TimeUnit.MINUTES)) {
          break;
        }
        LOG.warn("Still waiting for the checkpoint in flight to be written");
      } catch (InterruptedException e) {
        interrupted = true; // the checkpoint must not be cut short under the store's close
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    lineage.close();
  }
}
