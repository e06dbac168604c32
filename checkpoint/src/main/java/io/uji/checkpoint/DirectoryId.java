package io.uji.checkpoint;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The identity of one checkpoint directory: 16 random bytes drawn when the directory is created.
 * Every checkpoint, lineage segment and write-ahead log segment written into the directory
 * carries it, so a file copied in from another directory, or left by another run of the same
 * program in a directory that was deleted and created again, is recognised and refused instead
 * of being read as if it belonged here.
 *
 * @param high the first 8 bytes
 * @param low the last 8 bytes
 */
public record DirectoryId(long high, long low) {
  /** The length of the encoded identity in bytes. */
  public static final int BYTES = 16;

  /** No directory: what a log opened outside a checkpoint directory carries and accepts. */
  public static final DirectoryId NONE = new DirectoryId(0, 0);

  private static final SecureRandom RANDOM = new SecureRandom();

  /** @return a fresh random identity */
  public static DirectoryId random() {
    byte[] b = new byte[BYTES];
    RANDOM.nextBytes(b);
    return fromBytes(b);
  }

  /**
   * @return the identity encoded in {@code bytes} by {@link #toBytes()}
   * @throws IllegalArgumentException if {@code bytes} is not 16 bytes long
   */
  public static DirectoryId fromBytes(byte[] bytes) {
    if (bytes.length != BYTES) {
      throw new IllegalArgumentException("A directory id is " + BYTES + " bytes, not " + bytes.length);
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    return new DirectoryId(b.getLong(), b.getLong());
  }

  /** @return the 16 bytes, big-endian */
  public byte[] toBytes() {
    return ByteBuffer.allocate(BYTES).putLong(high).putLong(low).array();
  }

  /** @return 32 lowercase hex digits, as the identity appears in messages */
  @Override
  public String toString() {
    return HexFormat.of().formatHex(toBytes());
  }
}
