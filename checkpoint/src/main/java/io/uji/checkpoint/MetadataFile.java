package io.uji.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * A small checksummed file, written atomically, so that a torn or bit-flipped file is detected
 * instead of misread. The version field tells the reader how to read the payload; the payload's
 * layout belongs to the caller.
 *
 * <pre>
 *   0        8        12       16                16+L     20+L
 *   +--------+--------+--------+------------------+--------+
 *   | magic  |version | length |  payload (L)     |  CRC   |
 *   +--------+--------+--------+------------------+--------+
 *   magic = "UJIMETA\0", version = int 1, length = int L,
 *   CRC = CRC32C of bytes [0, 16+L); big-endian; the file is exactly 20+L bytes.
 * </pre>
 */
public final class MetadataFile {

  static final byte[] MAGIC = "UJIMETA\0".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 1;
  /** The highest version {@link #readVersioned} accepts. */
  static final int MAX_VERSION = 2;
  static final int HEADER = 16;
  static final int OVERHEAD = HEADER + 4;

  private MetadataFile() {}

  /**
   * Writes {@code payload} to {@code file} atomically (see {@link AtomicFiles}).
   *
   * @throws CheckpointException naming the file if the write fails
   */
  public static void write(Path file, byte[] payload) {
    write(FileIo.real(), file, payload);
  }

  /**
   * As {@link #write(Path, byte[])} through {@code io}.
   *
   * @throws CheckpointException naming the file if the write fails
   */
  public static void write(FileIo io, Path file, byte[] payload) {
    write(io, file, VERSION, payload);
  }

  /**
   * As {@link #write(FileIo, Path, byte[])} with another version number in the header.
   *
   * @throws CheckpointException naming the file if the write fails
   */
  static void write(FileIo io, Path file, int version, byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(OVERHEAD + payload.length);
    b.put(MAGIC).putInt(version).putInt(payload.length).put(payload);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, HEADER + payload.length);
    b.putInt((int) crc.getValue());
    AtomicFiles.write(io, file, b.array());
  }

  /**
   * @return the payload of {@code file}
   * @throws CheckpointCorruptedException naming the file if it is missing, torn, bit-flipped or
   *     not a metadata file
   * @throws CheckpointException if it cannot be read
   */
  public static byte[] read(Path file) {
    Versioned v = readVersioned(file);
    if (v.version() != VERSION) {
      throw new CheckpointCorruptedException(file, "unsupported version " + v.version());
    }
    return v.payload();
  }

  /**
   * A payload and the version it was written with.
   *
   * @param version the header's version
   * @param payload the payload
   */
  record Versioned(int version, byte[] payload) {}

  /**
   * @return the version and payload of {@code file}
   * @throws CheckpointCorruptedException naming the file if it is missing, torn, bit-flipped,
   *     not a metadata file or of a version above {@link #MAX_VERSION}
   * @throws CheckpointException if it cannot be read
   */
  static Versioned readVersioned(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new CheckpointCorruptedException(file, "file is missing", e);
    } catch (IOException e) {
      throw new CheckpointException("Cannot read metadata file " + file + ": " + e, e);
    }
    if (bytes.length < OVERHEAD) {
      throw new CheckpointCorruptedException(file, "only " + bytes.length + " bytes (torn?)");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    for (int i = 0; i < MAGIC.length; i++) {
      if (bytes[i] != MAGIC[i]) {
        throw new CheckpointCorruptedException(file, "bad magic (not an Uji metadata file)");
      }
    }
    int length = b.getInt(12);
    if (length < 0 || length != bytes.length - OVERHEAD) {
      throw new CheckpointCorruptedException(file, "length field says " + length
          + " bytes but the file holds " + (bytes.length - OVERHEAD) + " (torn?)");
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, HEADER + length);
    if (b.getInt(HEADER + length) != (int) crc.getValue()) {
      throw new CheckpointCorruptedException(file, "CRC mismatch (bit flip or torn write)");
    }
    int version = b.getInt(8);
    if (version < 1 || version > MAX_VERSION) {
      throw new CheckpointCorruptedException(file, "unsupported version " + version);
    }
    byte[] payload = new byte[length];
    System.arraycopy(bytes, HEADER, payload, 0, length);
    return new Versioned(version, payload);
  }
}
