package io.uji.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The on-disk layout of a log segment, in one place. All integers are big-endian.
 *
 * <pre>
 * Segment file "&lt;20-digit segment number&gt;.log":
 *
 *   0        8        12                20       24
 *   +--------+--------+-----------------+--------+
 *   | magic  |version | segment number  |  CRC   |   header, 24 bytes
 *   +--------+--------+-----------------+--------+
 *   | record | record | ...                          records, back to back to end of file
 *   +--------+--------+-----
 *
 *   magic   = "UJILOG\0\0" (8 ASCII bytes)
 *   version = int, currently 1
 *   segment number = long, equal to the number in the file name
 *   CRC     = int, CRC32C of bytes [0, 20)
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
  /** The only format version this code writes and reads. */
  public static final int VERSION = 1;
  /** Size of the segment header; the offset of the first record. */
  public static final int HEADER_LENGTH = 24;
  /** Bytes a record adds around its payload (length + CRC). */
  public static final int FRAME_OVERHEAD = 8;
  /** Suffix of segment files. */
  public static final String SEGMENT_SUFFIX = ".log";

  private LogFormat() {}

  /** @return the file name of segment {@code number} */
  public static String segmentFileName(long number) {
    return String.format("%020d%s", number, SEGMENT_SUFFIX);
  }

  /** @return the 24 header bytes of segment {@code number}, ready to write */
  static ByteBuffer header(long number) {
    ByteBuffer b = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.BIG_ENDIAN);
    b.put(MAGIC).putInt(VERSION).putLong(number);
    b.putInt(crc(b.array(), 0, HEADER_LENGTH - 4));
    return b.flip();
  }

  /**
   * Checks a header read from a file.
   *
   * @return null if valid, otherwise why not
   */
  static String checkHeader(ByteBuffer header, long expectedNumber) {
    byte[] bytes = new byte[HEADER_LENGTH];
    header.get(0, bytes);
    for (int i = 0; i < MAGIC.length; i++) {
      if (bytes[i] != MAGIC[i]) {
        return "bad magic (not an Uji log segment)";
      }
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    if (b.getInt(HEADER_LENGTH - 4) != crc(bytes, 0, HEADER_LENGTH - 4)) {
      return "header CRC mismatch";
    }
    if (b.getInt(8) != VERSION) {
      return "unsupported format version " + b.getInt(8) + " (this code reads " + VERSION + ")";
    }
    if (b.getLong(12) != expectedNumber) {
      return "header names segment " + b.getLong(12) + " but the file name says " + expectedNumber;
    }
    return null;
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
