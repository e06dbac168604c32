package io.uji.checkpoint;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the segments of a {@link SegmentedLog}'s directory and classifies how the log ends
 * ({@link RecoveryOutcome}): a clean end is left alone; a torn tail of the last segment is
 * truncated to the last good record (a WARN names the file and the bytes dropped); anything else
 * throws {@link LogCorruptedException} and changes nothing. Also deletes a {@code .log.tmp} left
 * by a segment creation that did not finish, and creates segment 0 in an empty directory.
 */
final class LogRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(LogRecovery.class);
  private static final Pattern SEGMENT_NAME = Pattern.compile("\\d{20}\\" + LogFormat.SEGMENT_SUFFIX);

  /**
   * An opened log.
   *
   * @param segments every segment by number, contiguous and open (the last for writing)
   * @param report what recovery found at the end of the last segment
   */
  record Recovered(NavigableMap<Long, Segment> segments, RecoveryReport report) {}

  private LogRecovery() {}

  /**
   * Recovers the log in {@code dir}, creating the directory and its first segment if missing.
   *
   * @param owner the directory id segments must carry ({@link DirectoryId#NONE}: any)
   * @param acknowledged the last record others rely on (a batch's lineage references it), or
   *     null: damage at or before it is never a torn write, since it was complete and forced
   *     when it was acknowledged; such damage, or that record's segment missing, is corruption
   * @param nowMillis the open time of every segment (their age counts from the open)
   * @return the segments, open; the caller owns their channels
   * @throws LogCorruptedException if a segment is damaged in a way a crash cannot explain, or a
   *     segment is missing; every channel opened so far is closed
   * @throws ForeignFileException if a segment was written by another checkpoint directory
   * @throws IOException if listing, reading, truncating or creating fails
   */
  static Recovered recover(Path dir, FileIo io, DirectoryId owner, LogPosition acknowledged, long nowMillis)
      throws IOException {
    Files.createDirectories(dir);
    List<Path> files = segmentFiles(dir);
    NavigableMap<Long, Segment> segments = new ConcurrentSkipListMap<>();
    RecoveryReport report = null;
    try {
      for (int i = 0; i < files.size(); i++) {
        Path file = files.get(i);
        long number = Long.parseLong(file.getFileName().toString().substring(0, 20));
        if (i > 0 && number != segments.lastKey() + 1) {
          throw new LogCorruptedException(file, 0, "segment " + (segments.lastKey() + 1)
              + " is missing: segments must be contiguous");
        }
        boolean last = i == files.size() - 1;
        report = recoverSegment(file, number, last, io, owner, acknowledged, nowMillis, segments);
      }
      checkAcknowledgedPresent(dir, acknowledged, segments);
      if (segments.isEmpty()) {
        Segment first = Segment.create(dir, 0, owner, io, nowMillis);
        segments.put(0L, first);
        report = new RecoveryReport(RecoveryOutcome.CLEAN, first.file, first.size(), 0);
      }
    } catch (IOException | RuntimeException e) {
      segments.values().forEach(Segment::closeQuietly);
      throw e;
    }
    return new Recovered(segments, report);
  }

  /** @return the segment files of {@code dir} in order, after deleting unfinished ones */
  private static List<Path> segmentFiles(Path dir) throws IOException {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path p : stream) {
        String name = p.getFileName().toString();
        if (name.endsWith(LogFormat.SEGMENT_SUFFIX + ".tmp")) {
          // A segment whose creation did not finish: it was never renamed, so it holds nothing.
          Files.delete(p);
        } else if (SEGMENT_NAME.matcher(name).matches()) {
          files.add(p);
        }
      }
    }
    files.sort(null); // zero-padded names sort numerically
    return files;
  }

  /** An acknowledged record must be in a segment that is still there. */
  private static void checkAcknowledgedPresent(Path dir, LogPosition acknowledged,
      NavigableMap<Long, Segment> segments) {
    if (acknowledged == null) {
      return;
    }
    if (segments.isEmpty() || acknowledged.segment() < segments.firstKey()
        || acknowledged.segment() > segments.lastKey()) {
      throw new LogCorruptedException(dir.resolve(LogFormat.segmentFileName(acknowledged.segment())),
          acknowledged.offset(), "the segment holding the acknowledged record at " + acknowledged
          + " is missing (the log holds segments " + (segments.isEmpty() ? "none"
          : segments.firstKey() + ".." + segments.lastKey()) + ")");
    }
  }

  private static RecoveryReport recoverSegment(Path file, long number, boolean last, FileIo io, DirectoryId owner,
      LogPosition acknowledged, long nowMillis, NavigableMap<Long, Segment> segments) throws IOException {
    FileChannel ch = last
        ? io.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)
        : io.open(file, StandardOpenOption.READ);
    try {
      long size = ch.size();
      LogFormat.Header header = LogFormat.readHeader(ch, file, number);
      if (header.owner() != null && !owner.equals(DirectoryId.NONE) && !owner.equals(header.owner())) {
        throw new ForeignFileException(file, header.owner(), owner);
      }
      SegmentScanner.Result r = SegmentScanner.scan(ch, size, header.length());
      if (r.outcome() == RecoveryOutcome.TORN_TAIL_TRUNCATED && acknowledged != null
          && acknowledged.segment() == number && acknowledged.offset() >= r.validEnd()) {
        throw new LogCorruptedException(file, r.validEnd(), r.reason() + " at or before the record at "
            + acknowledged + ", which was acknowledged (complete and forced) and is referenced: this is damage, not"
            + " a torn write; nothing was truncated");
      }
      if (acknowledged != null && acknowledged.segment() > number && r.outcome() != RecoveryOutcome.CLEAN) {
        throw new LogCorruptedException(file, r.validEnd(), r.reason() + " in a segment before the acknowledged "
            + "record at " + acknowledged);
      }
      RecoveryReport report;
      switch (r.outcome()) {
        case CLEAN -> report = new RecoveryReport(RecoveryOutcome.CLEAN, file, size, 0);
        case TORN_TAIL_TRUNCATED -> {
          if (!last) {
            throw new LogCorruptedException(file, r.validEnd(),
                r.reason() + " in a segment that is not the last (a roll forces the segment,"
                    + " so a crash cannot tear it)");
          }
          long dropped = size - r.validEnd();
          LOG.warn("Log segment {} ends with a torn write: truncating {} bytes after offset {}"
              + " ({})", file, dropped, r.validEnd(), r.reason());
          ch.truncate(r.validEnd());
          io.force(ch);
          report = new RecoveryReport(RecoveryOutcome.TORN_TAIL_TRUNCATED, file, r.validEnd(),
              dropped);
        }
        case CORRUPTED -> throw new LogCorruptedException(file, r.badOffset(), r.reason());
        default -> throw new IllegalStateException("unknown outcome " + r.outcome());
      }
      segments.put(number, Segment.existing(number, file, ch, header.length(), report.validEnd(), nowMillis));
      return report;
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }
}
