package io.uji.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * An append-only log of byte records in one directory, cut into segment files (format:
 * {@link LogFormat}). Used for each receiver's write-ahead log and for the batch lineage log.
 *
 * <p>Appends are thread-safe and return only once the record is durable under the configured
 * {@link FsyncPolicy}. Reads are thread-safe and may run concurrently with appends.
 *
 * <p>Opening recovers the log ({@link LogRecovery}) and reports it as a {@link
 * RecoveryOutcome}: a clean end is left alone; a torn tail in the last segment is truncated to
 * the last good record (logged as a WARN naming the file and the bytes dropped); anything else
 * throws {@link LogCorruptedException} and changes nothing. Under group commit, appenders share
 * forces through a {@link GroupCommit}.
 */
public final class SegmentedLog implements AutoCloseable {
  private final Path dir;
  private final LogConfig config;
  private final FileIo io;
  private final RecoveryReport recovery;
  private final NavigableMap<Long, Segment> segments;
  private final GroupCommit groupCommit;

  // Appending: everything below is guarded by writeLock, which is taken before the group
  // commit's lock, never after.
  private final ReentrantLock writeLock = new ReentrantLock();
  private Segment active;
  private ByteBuffer frame = ByteBuffer.allocate(4096);
  private long written;        // records written so far (each append's ticket)
  private long forcedWritten;  // `written` as of the last force of the active segment
  private volatile boolean closed;
  private volatile Throwable failure;

  private SegmentedLog(Path dir, LogConfig config, LogPosition acknowledged) throws IOException {
    this.dir = dir;
    this.config = config;
    this.io = config.fileIo();
    LogRecovery.Recovered recovered =
        LogRecovery.recover(dir, io, config.directoryId(), acknowledged, config.clock().millis());
    this.segments = recovered.segments();
    this.recovery = recovered.report();
    this.active = segments.lastEntry().getValue();
    this.groupCommit = new GroupCommit(config.fsyncPolicy().maxDelay(), new GroupCommit.Log() {
      @Override
      public void checkForcible() {
        throwIfFailedOrClosed();
      }

      @Override
      public void forceWritten() {
        writeLock.lock();
        try {
          throwIfFailedOrClosed();
          forceActiveLocked();
        } finally {
          writeLock.unlock();
        }
      }
    });
  }

  /**
   * Opens (creating if needed) the log in {@code dir} and recovers it.
   *
   * @throws LogCorruptedException if a segment is damaged in a way a crash cannot explain
   * @throws CheckpointException if the directory cannot be created or read
   */
  public static SegmentedLog open(Path dir, LogConfig config) {
    return open(dir, config, null);
  }

  /**
   * As {@link #open(Path, LogConfig)}, knowing that every record up to {@code acknowledged} was
   * acknowledged to others (a batch's lineage references it): damage at or before it is
   * reported as corruption, never truncated as a torn write.
   *
   * @param acknowledged the last acknowledged record's position, or null
   * @throws LogCorruptedException if a segment is damaged in a way a crash cannot explain, or
   *     the acknowledged record is damaged or its segment missing
   * @throws ForeignFileException if a segment was written by another checkpoint directory
   * @throws CheckpointException if the directory cannot be created or read
   */
  public static SegmentedLog open(Path dir, LogConfig config, LogPosition acknowledged) {
    try {
      return new SegmentedLog(dir, config, acknowledged);
    } catch (IOException e) {
      throw new CheckpointException("Cannot open log in " + dir + ": " + e, e);
    }
  }

  /** @return what recovery found and did when this log was opened */
  public RecoveryReport recovery() {
    return recovery;
  }

  /** @return the log's directory */
  public Path directory() {
    return dir;
  }

  /**
   * Appends one record and waits until it is durable under the fsync policy.
   *
   * @return the record's position
   * @throws CheckpointException if writing or forcing failed (for example the disk is full);
   *     records acknowledged earlier stay intact. After a failed force the log refuses further
   *     appends: reopen it to recover.
   * @throws IllegalStateException if the log is closed
   */
  public LogPosition append(byte[] payload) {
    return append(payload, 0, payload.length);
  }

  /**
   * As {@link #append(byte[])}, for {@code payload[offset, offset+length)}.
   *
   * @throws CheckpointException if writing or forcing failed
   * @throws IllegalStateException if the log is closed
   */
  public LogPosition append(byte[] payload, int offset, int length) {
    java.util.Objects.checkFromIndexSize(offset, length, payload.length);
    CrashPoints.hit("wal.before-append");
    LogPosition position;
    long ticket;
    writeLock.lock();
    try {
      checkWritable();
      long frameLength = LogFormat.FRAME_OVERHEAD + (long) length;
      if (shouldRoll(frameLength)) {
        roll();
      }
      Segment seg = active;
      long at = seg.size();
      position = new LogPosition(seg.number, at);
      ByteBuffer buf = encode(payload, offset, length);
      if (CrashPoints.arrive("wal.mid-record")) {
        tearAndHalt(seg, buf, at);
      }
      try {
        io.write(seg.channel, buf, at);
      } catch (IOException e) {
        undoPartialWrite(seg, at, e);
        throw new CheckpointException("Cannot append a " + length + "-byte record to "
            + seg.file + " at offset " + at + ": " + e.getMessage(), e);
      }
      seg.setSize(at + frameLength);
      ticket = ++written;
      if (config.fsyncPolicy().mode() == FsyncPolicy.Mode.PER_APPEND) {
        forceActiveLocked();
      }
    } finally {
      writeLock.unlock();
    }
    if (config.fsyncPolicy().mode() == FsyncPolicy.Mode.GROUP_COMMIT) {
      groupCommit.awaitForced(ticket);
    }
    CrashPoints.hit("wal.after-append-before-ack");
    return position;
  }

  /**
   * @return the payload of the record at {@code position}
   * @throws LogCorruptedException if the record fails its checksum
   * @throws CheckpointException if its segment was deleted or the read fails
   * @throws IllegalArgumentException if no record can start at that position
   * @throws IllegalStateException if the log is closed
   */
  public byte[] read(LogPosition position) {
    checkOpen();
    Segment seg = segment(position.segment());
    try {
      return seg.read(position.offset()).payload();
    } catch (IOException e) {
      throw readFailure(seg, position.offset(), e);
    }
  }

  /**
   * Delivers, in order, every record from {@code from} (inclusive) to the end of the log as it
   * was when this call started.
   *
   * @param from a record position, {@link #start()} or {@link #end()}
   * @return the position just past the last record delivered (where a later call can resume)
   * @throws LogCorruptedException if a record fails its checksum
   * @throws CheckpointException if {@code from} lies in a deleted segment or a read fails
   * @throws IllegalStateException if the log is closed
   */
  public LogPosition readFrom(LogPosition from, Consumer<LogEntry> consumer) {
    checkOpen();
    LogPosition end = end();
    segment(from.segment()); // fails clearly for a deleted segment
    LogPosition next = from;
    for (Segment seg : segments.tailMap(from.segment(), true).values()) {
      if (seg.number > end.segment()) {
        break;
      }
      long stop = seg.number == end.segment() ? end.offset() : seg.size();
      long offset = seg.number == from.segment() ? Math.max(from.offset(), seg.headerLength) : seg.headerLength;
      while (offset < stop) {
        Segment.ReadResult r;
        try {
          r = seg.read(offset);
        } catch (IOException e) {
          throw readFailure(seg, offset, e);
        }
        consumer.accept(new LogEntry(new LogPosition(seg.number, offset), r.payload()));
        offset = r.nextOffset();
      }
      next = new LogPosition(seg.number, offset);
    }
    return next;
  }

  /** @return every record from {@code from}; for tests and small logs */
  public List<LogEntry> readAllFrom(LogPosition from) {
    List<LogEntry> out = new ArrayList<>();
    readFrom(from, out::add);
    return out;
  }

  /**
   * @return the position of the first record still in the log (or {@link #end()} if empty)
   * @throws IllegalStateException if the log is closed
   */
  public LogPosition start() {
    checkOpen();
    Segment first = segments.firstEntry().getValue();
    return new LogPosition(first.number, first.headerLength);
  }

  /**
   * @return the position just past the last record written: every record's position is
   *     smaller
   * @throws IllegalStateException if the log is closed
   */
  public LogPosition end() {
    checkOpen();
    writeLock.lock();
    try {
      return new LogPosition(active.number, active.size());
    } finally {
      writeLock.unlock();
    }
  }

  /** @return the number of segment files, the active one included */
  public int segmentCount() {
    return segments.size();
  }

  /**
   * Deletes every segment whose records all lie before {@code position}. The active segment is
   * never deleted.
   *
   * @return how many segments were deleted
   * @throws CheckpointException if a file cannot be deleted
   * @throws IllegalStateException if the log is closed
   */
  public int deleteSegmentsBefore(LogPosition position) {
    writeLock.lock();
    try {
      checkOpen();
      int deleted = 0;
      for (Segment seg : new ArrayList<>(segments.headMap(position.segment(), false).values())) {
        if (seg == active) {
          continue;
        }
        segments.remove(seg.number);
        seg.closeQuietly();
        try {
          Files.deleteIfExists(seg.file);
        } catch (IOException e) {
          throw new CheckpointException("Cannot delete log segment " + seg.file + ": " + e, e);
        }
        deleted++;
      }
      if (deleted > 0) {
        forceDirectory();
      }
      return deleted;
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Forces what was written, then closes every file. Idempotent.
   *
   * @throws CheckpointException if the final force fails
   */
  @Override
  public void close() {
    writeLock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      try {
        if (failure == null && written > forcedWritten) {
          io.force(active.channel);
          forcedWritten = written;
          markForced(written);
        }
      } catch (IOException e) {
        failure = e;
        throw new CheckpointException("Cannot force " + active.file + " on close: " + e, e);
      } finally {
        segments.values().forEach(Segment::closeQuietly);
        groupCommit.wakeAll(); // waiters see `closed` or `failure`
      }
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public String toString() {
    return "SegmentedLog[" + dir + "]";
  }

  // ---- appending -----------------------------------------------------------------------------

  private boolean shouldRoll(long frameLength) {
    if (!active.hasRecords()) {
      return false; // an empty segment takes any record, however large
    }
    if (active.size() + frameLength > config.maxSegmentBytes()) {
      return true;
    }
    long ageMillis = config.clock().millis() - active.openedAtMillis;
    return ageMillis >= config.maxSegmentAge().toMillis();
  }

  /** Seals the active segment (forced, so only the last segment can ever be torn). */
  private void roll() {
    Segment old = active;
    try {
      if (written > forcedWritten) {
        io.force(old.channel);
        forcedWritten = written;
        markForced(written);
      }
      CrashPoints.hit("wal.segment-roll");
      Segment next = Segment.create(dir, old.number + 1, config.directoryId(), io, config.clock().millis());
      segments.put(next.number, next);
      active = next;
    } catch (IOException e) {
      failure = e;
      throw new CheckpointException("Cannot roll log " + dir + " past segment " + old.file
          + ": " + e.getMessage(), e);
    }
  }

  private ByteBuffer encode(byte[] payload, int offset, int length) {
    int frameLength = LogFormat.FRAME_OVERHEAD + length;
    if (frame.capacity() < frameLength) {
      frame = ByteBuffer.allocate(Math.max(frameLength, frame.capacity() * 2));
    }
    ByteBuffer b = frame.clear();
    b.putInt(length).put(payload, offset, length);
    b.putInt(LogFormat.recordCrc(length, ByteBuffer.wrap(payload, offset, length)));
    return b.flip();
  }

  /** Crash test: leave half a record on disk, as a power failure mid-write would. */
  private void tearAndHalt(Segment seg, ByteBuffer buf, long at) {
    try {
      buf.limit(Math.max(1, buf.remaining() / 2));
      io.write(seg.channel, buf, at);
      io.force(seg.channel);
    } catch (IOException e) {
      // Halting anyway: the test checks whatever reached the disk.
    }
    CrashPoints.halt();
  }

  /**
   * A failed write may have left part of the frame behind; cut it off so the next append does
   * not land after garbage. If even that fails, the log refuses further appends until reopened
   * (recovery then truncates the torn tail).
   */
  private void undoPartialWrite(Segment seg, long at, IOException cause) {
    try {
      seg.channel.truncate(at);
    } catch (IOException e) {
      cause.addSuppressed(e);
      failure = cause;
    }
  }

  private void forceActiveLocked() {
    if (written == forcedWritten) {
      return; // nothing written since the last force
    }
    try {
      io.force(active.channel);
    } catch (IOException e) {
      // After a failed fsync the page cache can no longer be trusted (the kernel may have
      // dropped the dirty pages), so the log stops here; reopening recovers from the disk.
      failure = e;
      throw new CheckpointException("Cannot force log segment " + active.file + ": "
          + e.getMessage(), e);
    }
    forcedWritten = written;
    markForced(written);
  }

  private void markForced(long ticket) {
    groupCommit.markForced(ticket);
  }

  private void throwIfFailedOrClosed() {
    Throwable f = failure;
    if (f != null) {
      throw new CheckpointException("Log " + dir + " failed earlier and must be reopened: " + f, f);
    }
    if (closed) {
      throw new IllegalStateException("Log " + dir + " was closed before this append was forced");
    }
  }

  private void checkWritable() {
    checkOpen();
    Throwable f = failure;
    if (f != null) {
      throw new CheckpointException("Log " + dir + " failed earlier and must be reopened: " + f, f);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("Log " + dir + " is closed");
    }
  }

  private Segment segment(long number) {
    Segment seg = segments.get(number);
    if (seg == null) {
      Map.Entry<Long, Segment> first = segments.firstEntry();
      throw new CheckpointException("Log " + dir + " has no segment " + number
          + (first != null && number < first.getKey() ? " (deleted; the first is " + first.getKey()
              + ")" : ""));
    }
    return seg;
  }

  private RuntimeException readFailure(Segment seg, long offset, IOException e) {
    if (e instanceof ClosedChannelException) {
      if (closed) {
        return new IllegalStateException("Log " + dir + " was closed during a read");
      }
      return new CheckpointException("Log segment " + seg.file + " was deleted during a read at"
          + " offset " + offset, e);
    }
    return new CheckpointException("Cannot read " + seg.file + " at offset " + offset + ": " + e, e);
  }

  private void forceDirectory() {
    try {
      io.forceDirectory(dir);
    } catch (IOException e) {
      throw new CheckpointException("Cannot force directory " + dir + ": " + e, e);
    }
  }
}
