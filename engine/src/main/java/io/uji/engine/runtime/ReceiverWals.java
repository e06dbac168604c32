package io.uji.engine.runtime;

import io.uji.checkpoint.CheckpointDirectory;
import io.uji.checkpoint.FsyncPolicy;
import io.uji.checkpoint.LogConfig;
import io.uji.checkpoint.LogCorruptedException;
import io.uji.checkpoint.LogFormat;
import io.uji.checkpoint.LogPosition;
import io.uji.checkpoint.SegmentedLog;
import io.uji.engine.lineage.InputLineage;
import io.uji.engine.lineage.WalLineage;
import io.uji.engine.hooks.EngineObserver;
import io.uji.engine.receiver.BlockStore;
import io.uji.engine.receiver.TimedBlockStore;
import io.uji.engine.receiver.WalBlockStore;
import io.uji.serde.KryoPool;
import io.uji.streaming.StreamingException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of the receivers' write-ahead logs of a context: opens each in {@code
 * wal/input-<n>/} of the checkpoint directory ({@code n} = the input's place in the program) and
 * closes them all, after everything that writes or trims them has stopped.
 *
 * <p>A log is opened knowing the last block a logged batch took: every block up to it was
 * acknowledged to the receiver and is referenced by a batch's lineage, so damage to it is never
 * mistaken for a torn write. Such damage stops the start once, with a message saying which
 * batches and how many of the receiver's records are lost.
 */
final class ReceiverWals implements AutoCloseable {
  /** An open log and its directory (for messages). */
  private record Opened(BlockStore<?> store, Path dir) {}

  private static final Logger LOG = LoggerFactory.getLogger(ReceiverWals.class);

  private final CheckpointDirectory dir;
  private final KryoPool kryo;
  private final LogConfig config;
  private final List<Opened> open = new ArrayList<>();
  private final EngineObserver observer;

  /**
   * @param groupCommitMs 0: force every block before {@code store} returns; positive: blocks
   *     arriving within this bound share one force
   * @param segmentBytes the segment size
   */
  ReceiverWals(CheckpointDirectory dir, KryoPool kryo, long groupCommitMs, long segmentBytes,
      EngineObserver observer) {
    this.dir = dir;
    this.observer = observer;
    this.kryo = kryo;
    this.config = LogConfig.defaults().withDirectoryId(dir.id()).withMaxSegmentBytes(segmentBytes)
        .withFsyncPolicy(groupCommitMs == 0
        ? FsyncPolicy.PER_APPEND : FsyncPolicy.groupCommit(java.time.Duration.ofMillis(groupCommitMs)));
  }

  /**
   * Opens (and recovers) the write-ahead log of an input.
   *
   * @param inputIndex the input's place in the program
   * @param inputName the receiver's name, for messages
   * @param logged every batch in the lineage log, in order
   * @param needed the batches whose blocks recovery reads again
   * @param whyReplayed why those batches are replayed, if it is worth saying ("" otherwise)
   * @throws StreamingException if blocks that logged batches took are damaged or missing, or
   *     blocks that must be read again were deleted
   */
  synchronized BlockStore<?> open(int inputIndex, String inputName, List<BatchRecord> logged,
      List<BatchRecord> needed, String whyReplayed) {
    Path walDir = dir.walDir("input-" + inputIndex);
    LogPosition acknowledged = null;
    for (BatchRecord r : logged) {
      if (r.inputs().get(inputIndex) instanceof WalLineage w && w.last() != null
          && (acknowledged == null || w.last().compareTo(acknowledged) > 0)) {
        acknowledged = w.last();
      }
    }
    SegmentedLog log;
    try {
      // Observed: the log's file operations report bytes and force times (else untouched: no clock reads).
      LogConfig c = observer == EngineObserver.NONE ? config
          : config.withFileIo(new TimedFileIo(config.fileIo(), inputIndex, observer));
      log = SegmentedLog.open(walDir, c, acknowledged);
    } catch (LogCorruptedException e) {
      throw new StreamingException(describeLoss(inputIndex, inputName, walDir, logged, e) + whyReplayed, e);
    }
    String missing = missingBlocks(inputIndex, inputName, walDir, needed, log.start());
    if (missing != null) {
      log.close();
      throw new StreamingException(missing + whyReplayed);
    }
    BlockStore<Object> wal = new WalBlockStore<>(log, kryo);
    if (observer != EngineObserver.NONE) {
      wal = new TimedBlockStore<>(wal, inputIndex, observer);
    }
    open.add(new Opened(wal, walDir));
    return wal;
  }

  /** Says, in the user's terms, which batches took blocks from the damaged part and what is lost. */
  private static String describeLoss(int inputIndex, String inputName, Path walDir, List<BatchRecord> logged,
      LogCorruptedException e) {
    long segment = segmentOf(e.file());
    List<BatchRecord> batches = new ArrayList<>();
    long records = 0;
    int blocks = 0;
    boolean countsKnown = true;
    for (BatchRecord r : logged) {
      InputLineage l = r.inputs().get(inputIndex);
      if (!(l instanceof WalLineage w)) {
        continue;
      }
      boolean hit = false;
      for (int b = 0; b < w.positions().size(); b++) {
        LogPosition p = w.positions().get(b);
        if (p.segment() == segment && p.offset() >= e.offset()) {
          hit = true;
          blocks++;
          int n = w.recordCounts().get(b);
          if (n < 0) {
            countsKnown = false;
          } else {
            records += n;
          }
        }
      }
      if (hit) {
        batches.add(r);
      }
    }
    String where = "The write-ahead log of input " + (inputIndex + 1) + " (receiver '" + inputName + "') in " + walDir
        + " is damaged: " + e.getMessage() + ". ";
    if (batches.isEmpty()) {
      return where + "No logged batch took blocks from the damaged part, but blocks the receiver stored (and"
          + " acknowledged) after the last batch are in it; how many records is unknown. Nothing was changed."
          + " Restore " + walDir + " from a backup, or move the checkpoint directory away to start again from empty"
          + " state";
    }
    String lost = countsKnown ? records + " records" : blocks + " blocks of records";
    BatchRecord first = batches.get(0);
    return where + "Batch #" + first.seq() + " (time " + first.timeMs() + " ms)" + (batches.size() > 1 ? " and " + (batches.size() - 1) + " later batches"
        : "") + " took " + lost + " of this receiver from the damaged part: the receiver stored and acknowledged"
        + " them, and they are lost, so " + (batches.size() > 1 ? "these batches" : "this batch")
        + " cannot be replayed. Nothing was changed. Restore " + walDir + " from a backup, or move the checkpoint"
        + " directory away to start again from empty state (the state is then lost as well)";
  }

  /** @return why blocks that must be read again are no longer in the log, or null if they all are */
  private static String missingBlocks(int inputIndex, String inputName, Path walDir, List<BatchRecord> needed,
      LogPosition start) {
    BatchRecord first = null;
    long records = 0;
    boolean countsKnown = true;
    for (BatchRecord r : needed) {
      if (r.inputs().get(inputIndex) instanceof WalLineage w) {
        for (int b = 0; b < w.positions().size(); b++) {
          if (w.positions().get(b).compareTo(start) < 0) {
            first = first == null ? r : first;
            int n = w.recordCounts().get(b);
            countsKnown &= n >= 0;
            records += Math.max(0, n);
          }
        }
      }
    }
    if (first == null) {
      return null;
    }
    return "Batch #" + first.seq() + " (time " + first.timeMs() + " ms) must be read again, but the write-ahead log of"
        + " input " + (inputIndex + 1) + " (receiver '" + inputName + "') in " + walDir + " no longer holds "
        + (countsKnown ? records + " of the records" : "the blocks") + " it needs: the log now starts at " + start
        + " (older segments were deleted once newer checkpoints no longer needed them). The state cannot be rebuilt"
        + " exactly. Restore the checkpoint directory from a backup, or move it away to start again from empty state.";
  }

  private static long segmentOf(Path file) {
    String name = file.getFileName().toString();
    try {
      return Long.parseLong(name.substring(0, name.length() - LogFormat.SEGMENT_SUFFIX.length()));
    } catch (RuntimeException e) {
      return -1;
    }
  }

  @Override
  public synchronized void close() {
    for (Opened w : open) {
      try {
        w.store().close();
      } catch (RuntimeException e) {
        LOG.warn("Closing the write-ahead log {} failed", w.dir(), e);
      }
    }
    open.clear();
  }
}
