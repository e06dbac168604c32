package io.uji.checkpoint;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One segment file of a {@link SegmentedLog}: its channel and its current length. Positional
 * reads and writes on a FileChannel are thread-safe, so readers never take the log's lock.
 */
final class Segment {
  final long number;
  final Path file;
  final FileChannel channel;
  final long openedAtMillis;
  /** Where the first record starts: the header's length (24 in version 1 segments, 40 now). */
  final int headerLength;
  /** Length of the valid part of the file; only the appender (under the log's lock) sets it. */
  private volatile long size;

  private Segment(long number, Path file, FileChannel channel, long openedAtMillis, int headerLength, long size) {
    this.number = number;
    this.file = file;
    this.channel = channel;
    this.openedAtMillis = openedAtMillis;
    this.headerLength = headerLength;
    this.size = size;
  }

  /**
   * Creates segment {@code number}: the header is written to a temporary file, forced, and
   * renamed into place, so a segment file always has a complete header.
   */
  static Segment create(Path dir, long number, DirectoryId owner, FileIo io, long nowMillis) throws IOException {
    Path file = dir.resolve(LogFormat.segmentFileName(number));
    Path tmp = dir.resolve(file.getFileName() + ".tmp");
    try (FileChannel ch = io.open(tmp, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      io.write(ch, LogFormat.header(number, owner), 0);
      io.force(ch);
    }
    io.atomicMove(tmp, file);
    io.forceDirectory(dir);
    FileChannel ch = io.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    return new Segment(number, file, ch, nowMillis, LogFormat.HEADER_LENGTH, LogFormat.HEADER_LENGTH);
  }

  /** Wraps an existing, already recovered segment file. */
  static Segment existing(long number, Path file, FileChannel channel, int headerLength, long size,
      long nowMillis) {
    return new Segment(number, file, channel, nowMillis, headerLength, size);
  }

  long size() {
    return size;
  }

  void setSize(long size) {
    this.size = size;
  }

  boolean hasRecords() {
    return size > headerLength;
  }

  /**
   * Reads the record at {@code offset}, checking its frame and CRC.
   *
   * @return the payload and the offset of the next record
   * @throws LogCorruptedException if the frame is invalid
   * @throws IOException if the read fails
   */
  ReadResult read(long offset) throws IOException {
    long end = size;
    if (offset < headerLength || offset + LogFormat.FRAME_OVERHEAD > end) {
      throw new IllegalArgumentException("No record starts at offset " + offset + " of " + file
          + " (valid records lie in [" + headerLength + ", " + end + "))");
    }
    ByteBuffer lengthBuf = ByteBuffer.allocate(4);
    readFully(lengthBuf, offset);
    int length = lengthBuf.getInt(0);
    if (length < 0 || offset + LogFormat.FRAME_OVERHEAD + length > end) {
      throw new LogCorruptedException(file, offset,
          "record length " + length + " does not fit in the segment (is the position a record start?)");
    }
    ByteBuffer body = ByteBuffer.allocate(length + 4);
    readFully(body, offset + 4);
    int stored = body.getInt(length);
    if (stored != LogFormat.recordCrc(length, body.slice(0, length))) {
      throw new LogCorruptedException(file, offset, "record CRC mismatch");
    }
    byte[] payload = new byte[length];
    body.get(0, payload);
    return new ReadResult(payload, offset + LogFormat.FRAME_OVERHEAD + length);
  }

  record ReadResult(byte[] payload, long nextOffset) {}

  private void readFully(ByteBuffer buf, long position) throws IOException {
    long at = position;
    while (buf.hasRemaining()) {
      int n = channel.read(buf, at);
      if (n < 0) {
        throw new EOFException("Unexpected end of " + file + " at offset " + at);
      }
      at += n;
    }
  }

  void closeQuietly() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // Closing a read/write channel after its data was forced cannot lose anything.
    }
  }
}
