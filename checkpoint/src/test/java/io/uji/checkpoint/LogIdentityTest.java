package io.uji.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Log segments carry their checkpoint directory's id, and a record others were told about (an
 * acknowledged one) is never truncated as a torn write.
 */
class LogIdentityTest {
  @TempDir Path tmp;

  private static final DirectoryId OURS = new DirectoryId(1, 2);
  private static final DirectoryId THEIRS = new DirectoryId(3, 4);

  private static LogConfig config(DirectoryId id) {
    return LogConfig.defaults().withFsyncPolicy(FsyncPolicy.PER_APPEND).withDirectoryId(id);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aSegmentOfAnotherDirectoryIsRefusedNamingIt() {
    Path dir = tmp.resolve("log");
    try (SegmentedLog log = SegmentedLog.open(dir, config(THEIRS))) {
      log.append(bytes("a"));
    }
    ForeignFileException e = assertThrows(ForeignFileException.class, () -> SegmentedLog.open(dir, config(OURS)));
    assertTrue(e.getMessage().contains(LogFormat.segmentFileName(0)) && e.getMessage().contains(THEIRS.toString()),
        e.getMessage());
    SegmentedLog.open(dir, config(THEIRS)).close(); // its own directory still reads it
  }

  @Test
  void aVersionOneSegmentWithoutAnIdIsStillRead() throws IOException {
    Path dir = tmp.resolve("log");
    Files.createDirectories(dir);
    ByteBuffer header = ByteBuffer.allocate(LogFormat.HEADER_LENGTH_V1);
    header.put(LogFormat.MAGIC).putInt(1).putLong(0);
    header.putInt(LogFormat.crc(header.array(), 0, 20));
    byte[] payload = bytes("old");
    ByteBuffer record = ByteBuffer.allocate(8 + payload.length).putInt(payload.length).put(payload);
    record.putInt(LogFormat.recordCrc(payload.length, ByteBuffer.wrap(payload)));
    Path segment = dir.resolve(LogFormat.segmentFileName(0));
    Files.write(segment, concat(header.array(), record.array()));
    try (SegmentedLog log = SegmentedLog.open(dir, config(OURS))) {
      assertEquals(new LogPosition(0, LogFormat.HEADER_LENGTH_V1), log.start());
      List<LogEntry> all = log.readAllFrom(log.start());
      assertEquals(1, all.size());
      assertArrayEquals(payload, all.get(0).payload());
      log.append(bytes("new")); // appended to the old segment after its 24-byte header
      assertEquals(2, log.readAllFrom(log.start()).size());
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** Damage inside the last record looks like a torn write, unless that record was acknowledged. */
  @Test
  void damageToAnAcknowledgedLastRecordIsCorruptionAndNothingIsTruncated() throws IOException {
    Path dir = tmp.resolve("log");
    LogPosition last;
    try (SegmentedLog log = SegmentedLog.open(dir, config(OURS))) {
      log.append(bytes("first"));
      last = log.append(bytes("second"));
    }
    Path segment = dir.resolve(LogFormat.segmentFileName(0));
    long size = Files.size(segment);
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      ch.truncate(size - 5);
    }
    LogCorruptedException e = assertThrows(LogCorruptedException.class,
        () -> SegmentedLog.open(dir, config(OURS), last));
    assertTrue(e.getMessage().contains("acknowledged"), e.getMessage());
    assertEquals(size - 5, Files.size(segment), "nothing truncated");
    // Not acknowledged (no batch took it): the same bytes are a torn write, truncated.
    try (SegmentedLog log = SegmentedLog.open(dir, config(OURS), new LogPosition(0, LogFormat.HEADER_LENGTH))) {
      assertEquals(RecoveryOutcome.TORN_TAIL_TRUNCATED, log.recovery().outcome());
      assertEquals(1, log.readAllFrom(log.start()).size());
    }
  }

  @Test
  void aMissingSegmentThatHeldAnAcknowledgedRecordIsCorruption() throws IOException {
    Path dir = tmp.resolve("log");
    try (SegmentedLog log = SegmentedLog.open(dir, config(OURS).withMaxSegmentBytes(60))) {
      log.append(bytes("0123456789"));
      log.append(bytes("0123456789"));
    }
    Files.delete(dir.resolve(LogFormat.segmentFileName(1)));
    assertThrows(LogCorruptedException.class, () -> SegmentedLog.open(dir, config(OURS), new LogPosition(1, 40)));
  }

  @Test
  void aLostIdentityFileIsRebuiltFromTheLogsSegments() throws IOException {
    Path root = tmp.resolve("cp");
    DirectoryId id;
    try (CheckpointDirectory d = CheckpointDirectory.open(root)) {
      id = d.id();
      SegmentedLog.open(d.lineageDir(), config(id)).close();
    }
    Files.delete(root.resolve("IDENTITY"));
    try (CheckpointDirectory d = CheckpointDirectory.open(root)) {
      assertEquals(id, d.id());
    }
  }
}
