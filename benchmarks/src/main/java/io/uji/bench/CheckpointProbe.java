package io.uji.bench;

import io.uji.streaming.BatchInfo;
import io.uji.streaming.StreamingListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.io.file.PathUtils;

/**
 * What fault tolerance costs per checkpoint, seen from outside the engine:
 *
 * <ul>
 *   <li>the engine's own figures: {@code CheckpointJournal} logs "Checkpoint of batch T (seq S)
 *       written in M ms (B ms on the batch thread)" at INFO through slf4j-simple (stderr) when a
 *       checkpoint is complete; {@link #installLogTap()} puts a tee on {@code System.err} that
 *       keeps those durations (the log still reaches stderr). M is the whole checkpoint, B its
 *       synchronous part (capturing the state at the batch boundary), the rest runs on the
 *       checkpoint writer thread while later batches run;
 *   <li>the processing time of the batches that took a checkpoint (their time is a multiple of
 *       the checkpoint interval, counted from the zero time) against the others: the synchronous
 *       part runs inside the batch, before its completion is reported;
 *   <li>bytes added per checkpoint: when a checkpoint is logged complete, the sizes of the files
 *       under {@code checkpoints/} (completed ones only) whose inode was not seen before. A
 *       RocksDB checkpoint hard-links the SST files, so a file shared with the previous
 *       checkpoint counts once.
 * </ul>
 *
 * <p>Register it before the {@link BatchCollector}: the listener bus calls listeners in order on
 * one thread, so the last batch's probe has run when the collector signals the end.
 */
final class CheckpointProbe implements StreamingListener {
  private static final Pattern LOG_LINE =
      Pattern.compile("Checkpoint of batch (\\d+) \\(seq (\\d+)\\) written in (\\d+) ms \\((\\d+) ms on the batch thread\\)");
  private static final List<Long> LOGGED_MS = new ArrayList<>();
  private static final List<Long> LOGGED_SYNC_MS = new ArrayList<>();
  /** The probes to tell when a checkpoint is logged complete (normally one). */
  private static final List<CheckpointProbe> PROBES = new ArrayList<>();

  private final Path checkpoints;
  private final long intervalMs;
  private final long everyBatches;
  private final Set<Object> seenInodes = new HashSet<>();
  private final List<Long> bytesPerCheckpoint = new ArrayList<>();
  private final List<Long> checkpointBatchMs = new ArrayList<>();
  private final List<Long> otherBatchMs = new ArrayList<>();
  private long zeroTime = Long.MIN_VALUE;

  /**
   * @param checkpointDir the context's checkpoint directory
   * @param intervalMs the batch interval
   * @param everyBatches the checkpoint interval in batches
   */
  CheckpointProbe(Path checkpointDir, long intervalMs, long everyBatches) {
    this.checkpoints = checkpointDir.resolve("checkpoints");
    this.intervalMs = intervalMs;
    this.everyBatches = everyBatches;
  }

  /** Tees {@code System.err} to catch the engine's checkpoint log lines. Call before any logging. */
  static void installLogTap() {
    PrintStream original = System.err;
    OutputStream tee = new OutputStream() {
      private final ByteArrayOutputStream line = new ByteArrayOutputStream();

      @Override
      public synchronized void write(int b) {
        original.write(b);
        if (b == '\n') {
          scan(line.toString(StandardCharsets.UTF_8));
          line.reset();
        } else if (line.size() < 4096) {
          line.write(b);
        }
      }

      @Override
      public synchronized void write(byte[] b, int off, int len) {
        original.write(b, off, len);
        for (int i = off; i < off + len; i++) {
          if (b[i] == '\n') {
            scan(line.toString(StandardCharsets.UTF_8));
            line.reset();
          } else if (line.size() < 4096) {
            line.write(b[i]);
          }
        }
      }

      @Override
      public void flush() {
        original.flush();
      }
    };
    System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
  }

  private static void scan(String line) {
    if (line.contains("Checkpoint of batch")) {
      Matcher m = LOG_LINE.matcher(line);
      if (m.find()) {
        List<CheckpointProbe> probes;
        synchronized (LOGGED_MS) {
          LOGGED_MS.add(Long.parseLong(m.group(3)));
          LOGGED_SYNC_MS.add(Long.parseLong(m.group(4)));
          probes = new ArrayList<>(PROBES);
        }
        for (CheckpointProbe p : probes) {
          p.checkpointWritten();
        }
      }
    }
  }

  /** @return the durations the engine logged for its checkpoints so far (this JVM), in order */
  static List<Long> loggedMs() {
    synchronized (LOGGED_MS) {
      return new ArrayList<>(LOGGED_MS);
    }
  }

  /** Starts counting the bytes of each checkpoint logged from now on. */
  void register() {
    synchronized (LOGGED_MS) {
      PROBES.add(this);
    }
  }

  private synchronized void checkpointWritten() {
    bytesPerCheckpoint.add(newBytes());
  }

  @Override
  public synchronized void onBatchCompleted(BatchInfo b) {
    long t = b.batchTime().milliseconds();
    if (zeroTime == Long.MIN_VALUE) {
      zeroTime = t - intervalMs; // the first batch's time is zeroTime + interval
    }
    if (b.failureReason().isPresent() || b.numRecords() == 0) {
      return;
    }
    boolean checkpointed = (t - zeroTime) % (intervalMs * everyBatches) == 0;
    if (checkpointed) {
      checkpointBatchMs.add(b.processingDelay());
    } else {
      otherBatchMs.add(b.processingDelay());
    }
  }

  /** Sizes of the files under checkpoints/ with inodes not seen before (hard links count once). */
  private long newBytes() {
    long added = 0;
    if (!Files.isDirectory(checkpoints)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(checkpoints)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        try {
          if (!Files.isRegularFile(p) || p.toString().contains(".inprogress")) {
            continue;
          }
          Object ino = Files.getAttribute(p, "unix:ino");
          if (seenInodes.add(ino)) {
            added += Files.size(p);
          }
        } catch (NoSuchFileException e) {
          // retention deleted an old checkpoint while we walked
        }
      }
    } catch (IOException | UncheckedIOException e) {
      return -1;
    }
    return added;
  }

  /** @return {@code key=value} pairs for the RESULT line */
  synchronized String extras() {
    long[] ck = checkpointBatchMs.stream().mapToLong(Long::longValue).sorted().toArray();
    long[] other = otherBatchMs.stream().mapToLong(Long::longValue).sorted().toArray();
    long[] bytes = bytesPerCheckpoint.stream().mapToLong(Long::longValue).toArray();
    // The first checkpoint writes the whole state; later ones only what changed (new SSTs).
    long[] sortedBytes = bytes.clone();
    java.util.Arrays.sort(sortedBytes);
    List<Long> logged = loggedMs();
    long[] lg = logged.stream().mapToLong(Long::longValue).sorted().toArray();
    List<Long> loggedSync;
    synchronized (LOGGED_MS) {
      loggedSync = new ArrayList<>(LOGGED_SYNC_MS);
    }
    long[] sync = loggedSync.stream().mapToLong(Long::longValue).sorted().toArray();
    return String.format(java.util.Locale.ROOT,
        "checkpoints=%d checkpoint_ms_median=%.0f checkpoint_ms_all=%s checkpoint_sync_ms_median=%.0f checkpoint_sync_ms_all=%s"
            + " ckpt_batch_median_ms=%.0f other_batch_median_ms=%.0f"
            + " checkpoint_bytes=%.0f checkpoint_bytes_all=%s checkpoint_dir_bytes_end=%d state_dir_bytes_end=%d",
        logged.size(), Stats.median(lg), join(logged), Stats.median(sync), join(loggedSync), Stats.median(ck),
        Stats.median(other),
        Stats.median(sortedBytes), join(bytesPerCheckpoint), dirBytes(checkpoints.getParent()),
        dirBytes(checkpoints.getParent().resolve("state")));
  }

  private static String join(List<Long> xs) {
    if (xs.isEmpty()) {
      return "none";
    }
    StringBuilder sb = new StringBuilder();
    for (long x : xs) {
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(x);
    }
    return sb.toString();
  }

  /** Bytes of the distinct inodes under {@code dir} (the whole checkpoint directory). */
  static long dirBytes(Path dir) {
    Set<Object> inodes = new HashSet<>();
    long total = 0;
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        try {
          if (Files.isRegularFile(p) && inodes.add(Files.getAttribute(p, "unix:ino"))) {
            total += Files.size(p);
          }
        } catch (NoSuchFileException e) {
          // deleted meanwhile
        }
      }
    } catch (IOException | UncheckedIOException e) {
      return -1;
    }
    return total;
  }

  /** Deletes {@code dir} and everything under it (best effort). */
  static void deleteRecursively(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try {
      PathUtils.deleteDirectory(dir);
    } catch (IOException e) {
      // best effort
    }
  }
}
