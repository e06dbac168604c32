package io.uji.kafka;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the user data of the group protocol ({@link SubscriptionInfo}, {@link AssignmentInfo})
 * with every length and count bounded, so that a corrupt or foreign byte fails with a message
 * naming the field and its position, never with an out-of-memory or a misread plan.
 *
 * <p>Layout conventions (big-endian): a string is {@code | length : u16 | UTF-8 bytes |}, an int
 * list {@code | count : i32 | i32 * count |}.
 */
final class UserDataReader {
  /** The longest string accepted (instance ids, host addresses). */
  static final int MAX_STRING_BYTES = 1024;
  /** The most groups (partitions) a list may hold: Kafka's partition ids fit, key groups are u16. */
  static final int MAX_COUNT = 65535;

  private final String what;
  private final ByteBuffer in;
  private final int start;

  UserDataReader(String what, ByteBuffer data) {
    this.what = what;
    this.in = data.duplicate();
    this.start = in.position();
  }

  /**
   * Reads the leading version of the data.
   *
   * @param supported the newest version this code reads
   * @return the version, in [1, supported]
   * @throws UnsupportedVersionException if the data is of a newer version
   */
  short readVersion(short supported) {
    short version = readShort("version");
    if (version > supported) {
      throw new UnsupportedVersionException(what, version, supported);
    }
    if (version < 1) {
      throw error("version", "version " + version + " is not a version");
    }
    return version;
  }

  short readShort(String field) {
    try {
      return in.getShort();
    } catch (BufferUnderflowException e) {
      throw error(field, "cut short");
    }
  }

  int readInt(String field) {
    try {
      return in.getInt();
    } catch (BufferUnderflowException e) {
      throw error(field, "cut short");
    }
  }

  long readLong(String field) {
    try {
      return in.getLong();
    } catch (BufferUnderflowException e) {
      throw error(field, "cut short");
    }
  }

  /** @return a count in [0, max] */
  int readCount(String field, int max) {
    int at = in.position();
    int n = readInt(field);
    if (n < 0 || n > max) {
      in.position(at);
      throw error(field, "count " + n + " is not in [0, " + max + "]");
    }
    return n;
  }

  String readString(String field) {
    int at = in.position();
    int n = readShort(field) & 0xFFFF;
    if (n > MAX_STRING_BYTES || n > in.remaining()) {
      in.position(at);
      throw error(field, "length " + n + (n > MAX_STRING_BYTES ? " is over " + MAX_STRING_BYTES : " is past the end"));
    }
    byte[] b = new byte[n];
    in.get(b);
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
    } catch (CharacterCodingException e) {
      in.position(at);
      throw error(field, "not UTF-8");
    }
  }

  /** @return a list of ints each in [0, MAX_COUNT) */
  List<Integer> readGroups(String field) {
    int n = readCount(field, MAX_COUNT);
    List<Integer> out = new ArrayList<>(Math.min(n, in.remaining() / 4 + 1));
    for (int i = 0; i < n; i++) {
      int at = in.position();
      int g = readInt(field);
      if (g < 0 || g >= MAX_COUNT) {
        in.position(at);
        throw error(field, "group " + g + " is not in [0, " + MAX_COUNT + ")");
      }
      out.add(g);
    }
    return out;
  }

  /** @throws UjiKafkaException if bytes are left */
  void requireEnd() {
    if (in.hasRemaining()) {
      throw error("end", in.remaining() + " bytes after the last field");
    }
  }

  UjiKafkaException error(String field, String problem) {
    return new UjiKafkaException("Cannot read the " + what + ": " + field + " at byte " + (in.position() - start)
        + " of " + (in.limit() - start) + ": " + problem
        + " (written by another program or version, or corrupt)");
  }

  // ------------------------------------------------------------------ writing

  static int stringSize(String s) {
    return 2 + utf8(s).length;
  }

  static void writeString(ByteBuffer out, String s, String field) {
    byte[] b = utf8(s);
    if (b.length > MAX_STRING_BYTES) {
      throw new IllegalArgumentException(field + " is over " + MAX_STRING_BYTES + " bytes in UTF-8: " + s);
    }
    out.putShort((short) b.length);
    out.put(b);
  }

  static void writeGroups(ByteBuffer out, List<Integer> groups) {
    out.putInt(groups.size());
    for (int g : groups) {
      out.putInt(g);
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
