package io.uji.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogRecoveryTest {
  @TempDir Path dir;

  /** Real files, remembering every channel opened. */
  static final class TrackingFileIo implements FileIo {
    final List<FileChannel> opened = new ArrayList<>();

    @Override
    public FileChannel open(Path file, OpenOption... options) throws IOException {
      FileChannel ch = FileIo.real().open(file, options);
      opened.add(ch);
      return ch;
    }

    @Override
    public void write(FileChannel channel, ByteBuffer src, long position) throws IOException {
      FileIo.real().write(channel, src, position);
    }

    @Override
    public void force(FileChannel channel) throws IOException {
      FileIo.real().force(channel);
    }

    @Override
    public void atomicMove(Path source, Path target) throws IOException {
      FileIo.real().atomicMove(source, target);
    }

    @Override
    public void forceDirectory(Path d) throws IOException {
      FileIo.real().forceDirectory(d);
    }
  }

  /** Writes {@code records} records into segments of about 200 bytes; @return their positions. */
  private List<LogPosition> writeLog(int records) {
    List<LogPosition> out = new ArrayList<>();
    LogConfig cfg = LogConfig.builder().fsyncPolicy(FsyncPolicy.NONE).maxSegmentBytes(200).build();
    try (SegmentedLog log = SegmentedLog.open(dir, cfg)) {
      for (int i = 0; i < records; i++) {
        out.add(log.append(("record-" + i).getBytes(StandardCharsets.UTF_8)));
      }
    }
    return out;
  }

  private static void closeAll(LogRecovery.Recovered r) {
    r.segments().values().forEach(Segment::closeQuietly);
  }

  @Test
  void shouldCreateTheFirstSegmentOfAnEmptyDirectory() throws IOException {
    Path logDir = dir.resolve("new/log");
    LogRecovery.Recovered r = LogRecovery.recover(logDir, FileIo.real(), DirectoryId.NONE, null, 0);
    try {
      assertEquals(List.of(0L), List.copyOf(r.segments().keySet()));
      assertEquals(new RecoveryReport(RecoveryOutcome.CLEAN, logDir.resolve(LogFormat.segmentFileName(0)),
          LogFormat.HEADER_LENGTH, 0), r.report());
      assertEquals(LogFormat.HEADER_LENGTH, Files.size(logDir.resolve(LogFormat.segmentFileName(0))));
    } finally {
      closeAll(r);
    }
  }

  @Test
  void shouldOpenEverySegmentAndOnlyTheLastForWriting() throws IOException {
    List<LogPosition> positions = writeLog(40);
    long last = positions.get(39).segment();
    assertTrue(last >= 2, "several segments: " + last);
    LogRecovery.Recovered r = LogRecovery.recover(dir, FileIo.real(), DirectoryId.NONE, null, 0);
    try {
      assertEquals(last + 1, r.segments().size());
      assertEquals(RecoveryOutcome.CLEAN, r.report().outcome());
      assertEquals(dir.resolve(LogFormat.segmentFileName(last)), r.report().file());
      ByteBuffer one = ByteBuffer.allocate(1);
      assertThrows(NonWritableChannelException.class, () -> r.segments().get(0L).channel.write(one, 0));
      Segment active = r.segments().get(last);
      assertEquals(Files.size(active.file), active.size());
      assertEquals(1, active.channel.write(ByteBuffer.allocate(1), active.size()));
    } finally {
      closeAll(r);
    }
  }

  @Test
  void shouldTruncateATornTailAndReportTheBytesDropped() throws IOException {
    List<LogPosition> positions = writeLog(10);
    LogPosition lastRecord = positions.get(9);
    Path file = dir.resolve(LogFormat.segmentFileName(lastRecord.segment()));
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(raf.length() - 3);
    }
    long torn = Files.size(file);
    LogRecovery.Recovered r = LogRecovery.recover(dir, FileIo.real(), DirectoryId.NONE, null, 0);
    try {
      assertEquals(new RecoveryReport(RecoveryOutcome.TORN_TAIL_TRUNCATED, file, lastRecord.offset(),
          torn - lastRecord.offset()), r.report());
      assertEquals(lastRecord.offset(), Files.size(file));
    } finally {
      closeAll(r);
    }
  }

  @Test
  void shouldDeleteAnUnfinishedSegmentAndIgnoreOtherFiles() throws IOException {
    writeLog(3);
    Path tmp = dir.resolve(LogFormat.segmentFileName(7) + ".tmp");
    Files.write(tmp, new byte[5]);
    Path notes = dir.resolve("notes.txt");
    Files.writeString(notes, "not a segment");
    LogRecovery.Recovered r = LogRecovery.recover(dir, FileIo.real(), DirectoryId.NONE, null, 0);
    closeAll(r);
    assertFalse(Files.exists(tmp));
    assertTrue(Files.exists(notes));
    assertFalse(r.segments().containsKey(7L));
  }

  @Test
  void shouldRefuseAGapBetweenSegmentsAndCloseWhatItOpened() throws IOException {
    writeLog(40);
    Path missing = dir.resolve(LogFormat.segmentFileName(1));
    Files.delete(missing);
    TrackingFileIo io = new TrackingFileIo();
    LogCorruptedException e = assertThrows(LogCorruptedException.class, () -> LogRecovery.recover(dir, io, DirectoryId.NONE, null, 0));
    assertEquals(dir.resolve(LogFormat.segmentFileName(2)), e.file());
    assertTrue(e.getMessage().contains("segment 1 is missing"), e.getMessage());
    assertFalse(io.opened.isEmpty());
    for (FileChannel ch : io.opened) {
      assertFalse(ch.isOpen(), "a channel was left open");
    }
  }

  @Test
  void shouldRefuseDamageBeforeTheLastSegmentAndCloseWhatItOpened() throws IOException {
    writeLog(40);
    Path first = dir.resolve(LogFormat.segmentFileName(0));
    SegmentedLogTest.flipBit(first, LogFormat.HEADER_LENGTH + 6, 3);
    TrackingFileIo io = new TrackingFileIo();
    LogCorruptedException e = assertThrows(LogCorruptedException.class, () -> LogRecovery.recover(dir, io, DirectoryId.NONE, null, 0));
    assertEquals(first, e.file());
    for (FileChannel ch : io.opened) {
      assertFalse(ch.isOpen(), "a channel was left open");
    }
  }

  @Test
  void shouldLeaveNoMappingOfTheScannedSegmentsBehind() throws IOException {
    Path maps = Path.of("/proc/self/maps");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(maps), "needs /proc/self/maps (Linux)");
    writeLog(40);
    LogRecovery.Recovered r = LogRecovery.recover(dir, FileIo.real(), DirectoryId.NONE, null, 0);
    closeAll(r);
    assertTrue(r.segments().size() > 2);
    // Without an explicit unmap the scans' mappings stay until a garbage collection.
    List<String> mapped = Files.readAllLines(maps).stream().filter(l -> l.contains(dir.toString())).toList();
    assertEquals(List.of(), mapped);
  }
}
