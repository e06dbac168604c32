package io.uji.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The on-disk layout of a log segment, in one place. All integers are big-endian.
 *
 * <pre>
 * Segment file "&lt;20-digit segment number&gt;.log":
 *
 *   0        8        12                20                      36       40
 *   +--------+--------+-----------------+-----------------------+--------+
 *   | magic  |version | segment number  | directory id          |  CRC   |   header, 40 bytes
 *   +--------+--------+-----------------+-----------------------+--------+
 *   | record | record | ...                          records, back to back to end of file
 *   +--------+--------+-----
 *
 *   magic   = "UJILOG\0\0" (8 ASCII bytes)
 *   version = int, 2 (version 1, still read: no directory id, CRC at 20, 24-byte header)
 *   segment number = long, equal to the number in the file name
 *   directory id = 16 bytes, the {@link DirectoryId} of the checkpoint directory that wrote it
 *                  (all zeros for a log outside one: {@link DirectoryId#NONE})
 *   CRC     = int, CRC32C of bytes [0, 36)
 *
 * Record:
 *
 *   0        4                  4+L      8+L
 *   +--------+------------------+--------+
 *   | length |  payload (L)     |  CRC   |
 *   +--------+------------------+--------+
 *
 *   length  = int L &gt;= 0
 *   CRC     = int, CRC32C of the length field and the payload, bytes [0, 4+L)
 * </pre>
 *
 * <p>A record's {@link LogPosition} is its segment number and the offset of its length field.
 */
public final class LogFormat {

  /** The segment magic. */
  public static final byte[] MAGIC = "UJILOG\0\0".getBytes(StandardCharsets.US_ASCII);
  /** The format version this code writes (it reads 1 and 2). */
  public static final int VERSION = 2;
  /** Size of a version 2 segment header; the offset of its first record. */
  public static final int HEADER_LENGTH = 40;
  /** Size of a version 1 segment header (written before segments carried a directory id). */
  public static final int HEADER_LENGTH_V1 = 24;
  /** Bytes a record adds around its payload (length + CRC). */
  public static final int FRAME_OVERHEAD = 8;
  /** Suffix of segment files. */
  public static final String SEGMENT_SUFFIX = ".log";

  private LogFormat() {}

  /** @return the file name of segment {@code number} */
  public static String segmentFileName(long number) {
    return String.format("%020d%s", number, SEGMENT_SUFFIX);
  }

  /** @return the header bytes of segment {@code number} written by directory {@code owner}, ready to write */
  static ByteBuffer header(long number, DirectoryId owner) {
    ByteBuffer b = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.BIG_ENDIAN);
    b.put(MAGIC).putInt(VERSION).putLong(number).putLong(owner.high()).putLong(owner.low());
    b.putInt(crc(b.array(), 0, HEADER_LENGTH - 4));
    return b.flip();
  }

  /**
   * A segment header as read.
   *
   * @param version 1 or 2
   * @param length the header's length: where the first record starts
   * @param owner the directory that wrote it; null for version 1
   */
  record Header(int version, int length, DirectoryId owner) {}

  /**
   * Reads and checks the header of a segment file.
   *
   * @return the header
   * @throws LogCorruptedException naming the file if the header is missing, damaged or of
   *     another segment
   * @throws IOException if reading fails
   */
  static Header readHeader(FileChannel ch, Path file, long expectedNumber) throws IOException {
    long size = ch.size();
    if (size < HEADER_LENGTH_V1) {
      throw new LogCorruptedException(file, 0, "file of " + size + " bytes is shorter than a segment header");
    }
    ByteBuffer b = ByteBuffer.allocate((int) Math.min(size, HEADER_LENGTH));
    while (b.hasRemaining() && ch.read(b, b.position()) >= 0) {
      // positional read until full
    }
    byte[] bytes = b.array();
    for (int i = 0; i < MAGIC.length; i++) {
      if (bytes[i] != MAGIC[i]) {
        throw new LogCorruptedException(file, 0, "bad magic (not an Uji log segment)");
      }
    }
    int version = b.getInt(8);
    int length = version == 1 ? HEADER_LENGTH_V1 : HEADER_LENGTH;
    if (version != 1 && version != VERSION) {
      throw new LogCorruptedException(file, 0, "unsupported format version " + version + " (this code reads 1 and "
          + VERSION + ")");
    }
    if (bytes.length < length) {
      throw new LogCorruptedException(file, 0, "file of " + size + " bytes is shorter than its " + length
          + "-byte header");
    }
    if (b.getInt(length - 4) != crc(bytes, 0, length - 4)) {
      throw new LogCorruptedException(file, 0, "header CRC mismatch");
    }
    if (b.getLong(12) != expectedNumber) {
      throw new LogCorruptedException(file, 0, "header names segment " + b.getLong(12) + " but the file name says "
          + expectedNumber);
    }
    DirectoryId owner = version == 1 ? null : new DirectoryId(b.getLong(20), b.getLong(28));
    return new Header(version, length, owner);
  }

  /**
   * @return the directory id in the header of segment file {@code file}, or empty if it has
   *     none (version 1) or cannot be read
   */
  static java.util.Optional<DirectoryId> ownerOf(Path file) {
    String name = file.getFileName().toString();
    if (!name.endsWith(SEGMENT_SUFFIX) || name.length() != 20 + SEGMENT_SUFFIX.length()) {
      return java.util.Optional.empty();
    }
    try (FileChannel ch = FileChannel.open(file, java.nio.file.StandardOpenOption.READ)) {
      Header h = readHeader(ch, file, Long.parseLong(name.substring(0, 20)));
      return java.util.Optional.ofNullable(h.owner());
    } catch (IOException | RuntimeException e) {
      return java.util.Optional.empty();
    }
  }

  /** @return CRC32C of {@code bytes[offset, offset+length)} */
  static int crc(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    return (int) crc.getValue();
  }

  /** @return the record CRC: CRC32C over the length field (big-endian) then the payload */
  static int recordCrc(int length, ByteBuffer payload) {
    CRC32C crc = new CRC32C();
    crc.update(length >>> 24);
    crc.update(length >>> 16);
    crc.update(length >>> 8);
    crc.update(length);
    crc.update(payload);
    return (int) crc.getValue();
  }
}
