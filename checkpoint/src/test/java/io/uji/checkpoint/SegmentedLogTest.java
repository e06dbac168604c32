package io.uji.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentedLogTest {

  @TempDir Path dir;

  private static LogConfig config() {
    return LogConfig.defaults().withFsyncPolicy(FsyncPolicy.PER_APPEND);
  }

  private static byte[] payload(int i) {
    return ("record-" + i + "-" + "x".repeat(i % 37)).getBytes(StandardCharsets.UTF_8);
  }

  private List<LogPosition> appendAll(SegmentedLog log, int n) {
    List<LogPosition> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(log.append(payload(i)));
    }
    return out;
  }

  private static List<byte[]> payloads(SegmentedLog log) {
    List<byte[]> out = new ArrayList<>();
    log.readFrom(log.start(), e -> out.add(e.payload()));
    return out;
  }

  private Path lastSegment() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".log")).sorted().reduce((a, b) -> b).orElseThrow();
    }
  }

  @Test
  void shouldReadBackEveryRecordAcrossSegmentRolls() {
    List<LogPosition> positions;
    try (SegmentedLog log = SegmentedLog.open(dir, config().withMaxSegmentBytes(256))) {
      positions = appendAll(log, 200);
      assertTrue(log.segmentCount() > 10, "rolled into " + log.segmentCount() + " segments");
      for (int i = 0; i < 200; i++) {
        assertArrayEquals(payload(i), log.read(positions.get(i)));
      }
      List<byte[]> all = payloads(log);
      assertEquals(200, all.size());
      for (int i = 0; i < 200; i++) {
        assertArrayEquals(payload(i), all.get(i));
      }
      List<LogEntry> tail = log.readAllFrom(positions.get(150));
      assertEquals(50, tail.size());
      assertEquals(positions.get(150), tail.get(0).position());
    }
  }

  @Test
  void shouldGiveAnOversizedRecordASegmentOfItsOwn() {
    try (SegmentedLog log = SegmentedLog.open(dir, config().withMaxSegmentBytes(100))) {
      byte[] big = new byte[1000];
      new Random(1).nextBytes(big);
      log.append(payload(1));
      LogPosition p = log.append(big);
      assertArrayEquals(big, log.read(p));
      assertEquals(LogFormat.HEADER_LENGTH, p.offset());
    }
  }

  @Test
  void shouldRollASegmentOlderThanTheMaximumAge() {
    MutableClock clock = new MutableClock();
    LogConfig cfg = config().withMaxSegmentAge(Duration.ofMinutes(1)).withClock(clock);
    try (SegmentedLog log = SegmentedLog.open(dir, cfg)) {
      LogPosition a = log.append(payload(1));
      clock.advance(Duration.ofSeconds(59));
      LogPosition b = log.append(payload(2));
      clock.advance(Duration.ofSeconds(2));
      LogPosition c = log.append(payload(3));
      assertEquals(a.segment(), b.segment());
      assertEquals(a.segment() + 1, c.segment());
    }
  }

  @Test
  void shouldContinueAppendingAfterTheLastRecordOnReopen() {
    LogConfig cfg = config().withMaxSegmentBytes(300);
    List<LogPosition> first;
    try (SegmentedLog log = SegmentedLog.open(dir, cfg)) {
      first = appendAll(log, 30);
    }
    try (SegmentedLog log = SegmentedLog.open(dir, cfg)) {
      assertEquals(RecoveryOutcome.CLEAN, log.recovery().outcome());
      LogPosition next = log.append(payload(30));
      assertTrue(next.compareTo(first.get(29)) > 0);
      List<byte[]> all = payloads(log);
      assertEquals(31, all.size());
      for (int i = 0; i <= 30; i++) {
        assertArrayEquals(payload(i), all.get(i));
      }
    }
  }

  @Test
  void shouldTruncateATornTailAtAnyOffsetInsideTheLastRecord() throws IOException {
    for (long seed = 0; seed < 60; seed++) {
      Random random = new Random(seed);
      Path logDir = dir.resolve("seed-" + seed);
      int n = 1 + random.nextInt(20);
      LogPosition last;
      try (SegmentedLog log = SegmentedLog.open(logDir, config())) {
        last = appendAll(log, n).get(n - 1);
      }
      Path file = logDir.resolve(LogFormat.segmentFileName(last.segment()));
      long size = Files.size(file);
      // Cut anywhere from the last record's first byte to one byte before its end.
      long cut = last.offset() + random.nextInt((int) (size - last.offset()));
      try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
        raf.setLength(cut);
      }
      try (SegmentedLog log = SegmentedLog.open(logDir, config())) {
        String at = "seed " + seed + " cut " + cut;
        RecoveryOutcome expected = cut == last.offset()
            ? RecoveryOutcome.CLEAN : RecoveryOutcome.TORN_TAIL_TRUNCATED;
        assertEquals(expected, log.recovery().outcome(), at);
        assertEquals(cut - last.offset(), log.recovery().bytesDropped(), at);
        List<byte[]> all = payloads(log);
        assertEquals(n - 1, all.size(), at);
        for (int i = 0; i < n - 1; i++) {
          assertArrayEquals(payload(i), all.get(i), at);
        }
        assertEquals(last, log.append(payload(99)), at);
      }
    }
  }

  @Test
  void shouldTreatAZeroFilledTailAsATornTail() throws IOException {
    try (SegmentedLog log = SegmentedLog.open(dir, config())) {
      appendAll(log, 5);
    }
    Path file = lastSegment();
    long size = Files.size(file);
    Files.write(file, new byte[4096], java.nio.file.StandardOpenOption.APPEND);
    try (SegmentedLog log = SegmentedLog.open(dir, config())) {
      assertEquals(RecoveryOutcome.TORN_TAIL_TRUNCATED, log.recovery().outcome());
      assertEquals(4096, log.recovery().bytesDropped());
      assertEquals(5, payloads(log).size());
      assertEquals(size, Files.size(file));
    }
  }

  @Test
  void shouldRefuseToOpenWhenABitFlipIsFollowedByValidRecords() throws IOException {
    for (long seed = 0; seed < 20; seed++) {
      Random random = new Random(seed);
      Path logDir = dir.resolve("seed-" + seed);
      List<LogPosition> positions;
      try (SegmentedLog log = SegmentedLog.open(logDir, config())) {
        positions = appendAll(log, 10);
      }
      int victim = random.nextInt(8); // never the last record: valid data must follow
      LogPosition p = positions.get(victim);
      long span = positions.get(victim + 1).offset() - p.offset();
      long flipAt = p.offset() + random.nextInt((int) span);
      Path file = logDir.resolve(LogFormat.segmentFileName(p.segment()));
      flipBit(file, flipAt, random.nextInt(8));
      LogCorruptedException e = assertThrows(LogCorruptedException.class,
          () -> SegmentedLog.open(logDir, config()));
      assertEquals(file, e.file());
      assertEquals(p.offset(), e.offset(), "seed " + seed);
      assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
      assertTrue(e.getMessage().contains("offset " + p.offset()), e.getMessage());
    }
  }

  @Test
  void shouldRefuseToOpenWhenANonLastSegmentIsDamaged() throws IOException {
    try (SegmentedLog log = SegmentedLog.open(dir, config().withMaxSegmentBytes(200))) {
      appendAll(log, 40);
    }
    Path first = dir.resolve(LogFormat.segmentFileName(0));
    long size = Files.size(first);
    try (RandomAccessFile raf = new RandomAccessFile(first.toFile(), "rw")) {
      raf.setLength(size - 3);
    }
    LogCorruptedException e = assertThrows(LogCorruptedException.class,
        () -> SegmentedLog.open(dir, config()));
    assertEquals(first, e.file());
  }

  @Test
  void shouldRefuseToOpenASegmentWithACorruptHeader() throws IOException {
    try (SegmentedLog log = SegmentedLog.open(dir, config())) {
      appendAll(log, 3);
    }
    flipBit(lastSegment(), 13, 0);
    LogCorruptedException e = assertThrows(LogCorruptedException.class,
        () -> SegmentedLog.open(dir, config()));
    assertTrue(e.getMessage().contains("header"), e.getMessage());
    assertEquals(0, e.offset());
  }

  /** An append as its caller saw it return. */
  private record Ack(LogPosition position, byte[] payload, long seq) {
    long end() {
      return position.offset() + LogFormat.FRAME_OVERHEAD + payload.length;
    }
  }

  private static Ack appendAndRecord(SegmentedLog log, TestFileIo io, byte[] payload) {
    LogPosition p = log.append(payload);
    return new Ack(p, payload, io.clock.incrementAndGet());
  }

  /**
   * Asserts that each acknowledged record was durable when its append returned: some force of
   * its segment, finished before the acknowledgement, covered the record's last byte.
   */
  private void assertEveryAckCoveredByAnEarlierForce(TestFileIo io, Iterable<Ack> acks) {
    for (Ack a : acks) {
      Path file = dir.resolve(LogFormat.segmentFileName(a.position().segment()));
      boolean covered = io.forceLog.stream()
          .anyMatch(f -> f.file().equals(file) && f.length() >= a.end() && f.seq() < a.seq());
      assertTrue(covered, "record at " + a.position() + " ending at " + a.end()
          + " was acknowledged before a force covered it; forces of its file: "
          + io.forceLog.stream().filter(f -> f.file().equals(file)).toList());
    }
  }

  @Test
  void shouldShareForcesBetweenConcurrentAppendersUnderGroupCommit() throws Exception {
    TestFileIo io = new TestFileIo();
    LogConfig cfg = config().withFileIo(io)
        .withFsyncPolicy(FsyncPolicy.groupCommit(Duration.ofMillis(5)))
        .withMaxSegmentBytes(4 << 10); // rolls too: a roll's force covers the old segment
    int threads = 16;
    int perThread = 50;
    ConcurrentLinkedQueue<Ack> acked = new ConcurrentLinkedQueue<>();
    try (SegmentedLog log = SegmentedLog.open(dir, cfg)) {
      int forcesAtStart = io.forces.get();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int thread = t;
          futures.add(pool.submit(() -> {
            for (int i = 0; i < perThread; i++) {
              acked.add(appendAndRecord(log, io, ("t" + thread + "-" + i).getBytes(StandardCharsets.UTF_8)));
            }
          }));
        }
        for (Future<?> f : futures) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      int forces = io.forces.get() - forcesAtStart;
      assertTrue(forces < threads * perThread / 2, forces + " forces for "
          + threads * perThread + " appends");
      assertTrue(log.segmentCount() > 1, "rolled: " + log.segmentCount());
      assertEveryAckCoveredByAnEarlierForce(io, acked);
      for (Ack a : acked) {
        assertArrayEquals(a.payload(), log.read(a.position()));
      }
      assertEquals(threads * perThread, payloads(log).size());
    }
  }

  @Test
  void shouldForceOncePerAppendUnderPerAppend() {
    TestFileIo io = new TestFileIo();
    try (SegmentedLog log = SegmentedLog.open(dir, config().withFileIo(io))) {
      int before = io.forces.get();
      List<Ack> acked = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        acked.add(appendAndRecord(log, io, payload(i)));
      }
      assertEquals(10, io.forces.get() - before);
      assertEveryAckCoveredByAnEarlierForce(io, acked);
    }
  }

  @Test
  void shouldDeleteOnlyWholeSegmentsBeforeAPosition() {
    try (SegmentedLog log = SegmentedLog.open(dir, config().withMaxSegmentBytes(200))) {
      List<LogPosition> positions = appendAll(log, 40);
      LogPosition keep = positions.get(25);
      int segmentsBefore = log.segmentCount();
      int deleted = log.deleteSegmentsBefore(keep);
      assertEquals(keep.segment(), deleted);
      assertEquals(segmentsBefore - deleted, log.segmentCount());
      assertEquals(keep.segment(), log.start().segment());
      for (int i = 25; i < 40; i++) {
        assertArrayEquals(payload(i), log.read(positions.get(i)));
      }
      assertThrows(CheckpointException.class, () -> log.read(positions.get(0)));
      // Never the active segment, even for a position past the end.
      log.deleteSegmentsBefore(new LogPosition(Long.MAX_VALUE, 0));
      assertEquals(1, log.segmentCount());
      assertArrayEquals(payload(39), log.read(positions.get(39)));
    }
  }

  @Test
  void shouldRejectUseAfterCloseAndCloseIdempotently() {
    SegmentedLog log = SegmentedLog.open(dir, config());
    LogPosition p = log.append(payload(1));
    log.close();
    log.close();
    assertThrows(IllegalStateException.class, () -> log.append(payload(2)));
    assertThrows(IllegalStateException.class, () -> log.read(p));
    assertThrows(IllegalStateException.class, log::end);
  }

  @Test
  void shouldReportDiskFullClearlyAndKeepEveryAcknowledgedRecord() {
    TestFileIo io = new TestFileIo();
    List<LogPosition> acked;
    try (SegmentedLog log = SegmentedLog.open(dir, config().withFileIo(io))) {
      acked = appendAll(log, 10);
      io.spaceLeft.set(7); // the next record is cut after 7 bytes
      CheckpointException e = assertThrows(CheckpointException.class,
          () -> log.append(payload(10)));
      assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
      assertTrue(e.getMessage().contains(".log"), e.getMessage());
      io.spaceLeft.set(-1); // space freed: the log goes on after the last good record
      acked.add(log.append(payload(11)));
    }
    try (SegmentedLog log = SegmentedLog.open(dir, config())) {
      assertEquals(RecoveryOutcome.CLEAN, log.recovery().outcome());
      List<byte[]> all = payloads(log);
      assertEquals(11, all.size());
      assertArrayEquals(payload(11), all.get(10));
    }
  }

  @Test
  void shouldDeleteASegmentWhoseCreationDidNotFinish() throws IOException {
    try (SegmentedLog log = SegmentedLog.open(dir, config())) {
      appendAll(log, 3);
    }
    Path tmp = dir.resolve(LogFormat.segmentFileName(1) + ".tmp");
    Files.write(tmp, new byte[10]);
    try (SegmentedLog log = SegmentedLog.open(dir, config())) {
      assertEquals(3, payloads(log).size());
      assertTrue(Files.notExists(tmp));
    }
  }

  static void flipBit(Path file, long offset, int bit) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(offset);
      int b = raf.read();
      raf.seek(offset);
      raf.write(b ^ (1 << bit));
    }
  }

  static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2024-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
