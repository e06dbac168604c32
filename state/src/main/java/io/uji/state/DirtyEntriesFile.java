package io.uji.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * The file of a state checkpoint that holds the cache entries RocksDB's copy lacks: the dirty
 * entries of the partitions a checkpoint copied rather than wrote into RocksDB ({@link
 * StatePartition#keepsDirtyAtCheckpoint}). The checkpoint's state is RocksDB's checkpoint with
 * these entries applied on top ({@link StateStore#restore}, {@link StateTable#copyGroupFrom}).
 * Their bytes are the cache's (already serialized): nothing is encoded, only framed.
 *
 * <pre>
 * file  = | magic "UJIDIRTY" | version : int32 BE | blocks : int32 BE | block* | crc32 of all before : int32 BE |
 * block = | column family name : varint length + UTF-8 | entries : int32 BE | entry* |
 * entry = | key length : varint | value length + 1 : varint (0 = a removal) | key | value |
 * </pre>
 */
final class DirtyEntriesFile {
  /** Its name in a state checkpoint's directory (RocksDB's own files never take this name). */
  static final String NAME = "uji-dirty-entries";
  static final int VERSION = 1;
  private static final byte[] MAGIC = "UJIDIRTY".getBytes(StandardCharsets.US_ASCII);
  private static final int CHUNK = 1 << 20;

  private DirtyEntriesFile() {}

  /**
   * Writes {@code blocks} into {@code dir}/{@value #NAME} and forces it to disk.
   *
   * @param cfNames the column family name of each block's {@link SerializedEntries#cfId()}
   */
  static long write(Path dir, List<SerializedEntries> blocks, Map<Integer, String> cfNames) throws IOException {
    try (FileChannel ch = FileChannel.open(dir.resolve(NAME), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      Out out = new Out(ch);
      out.bytes(MAGIC, 0, MAGIC.length);
      out.int32(VERSION);
      out.int32(blocks.size());
      for (SerializedEntries e : blocks) {
        String name = cfNames.get(e.cfId());
        if (name == null) {
          throw new IllegalStateException("no column family with id " + e.cfId());
        }
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        out.varint(n.length);
        out.bytes(n, 0, n.length);
        out.int32(e.size());
        byte[] b = e.buffer();
        for (int i = 0; i < e.size(); i++) {
          int keyLength = e.keyLength(i);
          int valueLength = e.valueLength(i);
          out.varint(keyLength);
          out.varint(valueLength + 1);
          out.bytes(b, e.keyStart(i), keyLength + Math.max(0, valueLength));
        }
      }
      long length = out.finish();
      ch.force(true);
      return length;
    }
  }

  /**
   * As {@link #read(Path, OptionalInt)} with no checksum recorded elsewhere: the file's own
   * CRC32 alone vouches for it.
   */
  static Map<String, SerializedEntries> read(Path dir) {
    return read(dir, OptionalInt.empty());
  }

  /**
   * Reads {@code dir}/{@value #NAME} in one pass: its bytes are checksummed as they arrive (the
   * CRC32C the checkpoint recorded, if given, and the file's own CRC32), then its entries are
   * indexed where they lie in those bytes ({@link SerializedEntries#over}), not copied.
   *
   * @param expectedCrc32c the CRC32C of the whole file as the checkpoint's manifest recorded it,
   *     which the caller then did not check itself; empty if there is none
   * @return the entries of {@code dir}/{@value #NAME} by column family name, none if there is no
   *     such file (a checkpoint that wrote every entry into RocksDB, or one made before the file
   *     existed)
   * @throws StateFileDamagedException if the file's CRC32C is not {@code expectedCrc32c}
   * @throws StateStoreException if the file is damaged otherwise or of another version
   */
  static Map<String, SerializedEntries> read(Path dir, OptionalInt expectedCrc32c) {
    Path file = dir.resolve(NAME);
    Map<String, SerializedEntries> blocks = new LinkedHashMap<>();
    if (!Files.exists(file)) {
      return blocks;
    }
    Checked checked = readChecked(file);
    if (expectedCrc32c.isPresent() && checked.crc32c() != expectedCrc32c.getAsInt()) {
      throw new StateFileDamagedException(file, String.format(
          "its CRC32C is %08x, the checkpoint recorded %08x (damaged bytes)", checked.crc32c(), expectedCrc32c.getAsInt()));
    }
    byte[] b = checked.bytes();
    if (b.length < MAGIC.length + 12 || !Arrays.equals(b, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new StateStoreException("Damaged state checkpoint file " + file + ": not a dirty-entries file");
    }
    ByteBuffer in = ByteBuffer.wrap(b, 0, b.length - 4);
    in.position(MAGIC.length);
    int version = in.getInt();
    if (version != VERSION) {
      throw new StateStoreException("State checkpoint file " + file + " is of format version " + version
          + ", this version of Uji reads version " + VERSION);
    }
    if (checked.crc32() != ByteBuffer.wrap(b, b.length - 4, 4).getInt()) {
      throw new StateStoreException("Damaged state checkpoint file " + file + ": checksum mismatch");
    }
    try {
      int count = in.getInt();
      for (int k = 0; k < count; k++) {
        int nameLength = Varints.read(in);
        String name = new String(b, in.position(), nameLength, StandardCharsets.UTF_8);
        in.position(in.position() + nameLength);
        int entries = in.getInt();
        // One block per column family (the file has one per partition): all index the same bytes.
        SerializedEntries block = blocks.computeIfAbsent(name, n -> SerializedEntries.over(b, entries));
        for (int i = 0; i < entries; i++) {
          int keyLength = Varints.read(in);
          int valueLength = Varints.read(in) - 1;
          int at = in.position();
          // Checked here, not when the entry is used: a wrong length must not index past the file.
          in.position(Math.addExact(at, keyLength + Math.max(0, valueLength)));
          block.addInPlace(at, keyLength, valueLength);
        }
      }
      if (in.hasRemaining()) {
        throw new StateStoreException("Damaged state checkpoint file " + file + ": bytes after the last entry");
      }
    } catch (RuntimeException e) {
      if (e instanceof StateStoreException s) {
        throw s;
      }
      throw new StateStoreException("Damaged state checkpoint file " + file + ": " + e, e);
    }
    return blocks;
  }

  /**
   * A file's bytes with their checksums.
   *
   * @param crc32c of all its bytes
   * @param crc32 of all its bytes but the last 4 (where the file keeps its own CRC32)
   */
  private record Checked(byte[] bytes, int crc32c, int crc32) {}

  /** Reads {@code file} whole, checksumming each chunk as it arrives (while it is in the CPU's cache). */
  private static Checked readChecked(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE - 8) {
        throw new StateStoreException("State checkpoint file " + file + " is too large: " + size + " bytes");
      }
      byte[] b = new byte[(int) size];
      CRC32C crc32c = new CRC32C();
      CRC32 crc32 = new CRC32();
      int crc32End = Math.max(0, b.length - 4);
      int at = 0;
      while (at < b.length) {
        int n = ch.read(ByteBuffer.wrap(b, at, Math.min(CHUNK, b.length - at)));
        if (n < 0) {
          throw new StateFileDamagedException(file, "it ended after " + at + " bytes while being read, not " + b.length);
        }
        crc32c.update(b, at, n);
        crc32.update(b, at, Math.max(0, Math.min(n, crc32End - at)));
        at += n;
      }
      return new Checked(b, (int) crc32c.getValue(), (int) crc32.getValue());
    } catch (IOException e) {
      throw new StateStoreException("Error reading " + file, e);
    }
  }

  /** A buffered, checksummed writer of one file. */
  private static final class Out {
    private final FileChannel ch;
    private final byte[] buf = new byte[CHUNK];
    private final CRC32 crc = new CRC32();
    private int len;
    private long written;

    Out(FileChannel ch) {
      this.ch = ch;
    }

    void int32(int v) throws IOException {
      room(4);
      buf[len++] = (byte) (v >>> 24);
      buf[len++] = (byte) (v >>> 16);
      buf[len++] = (byte) (v >>> 8);
      buf[len++] = (byte) v;
    }

    void varint(int v) throws IOException {
      room(Varints.MAX_BYTES);
      len = Varints.write(buf, len, v);
    }

    void bytes(byte[] src, int off, int n) throws IOException {
      while (n > 0) {
        room(1);
        int k = Math.min(n, buf.length - len);
        System.arraycopy(src, off, buf, len, k);
        len += k;
        off += k;
        n -= k;
      }
    }

    /** Writes the checksum and what is buffered; @return the file's length */
    long finish() throws IOException {
      drain();
      int c = (int) crc.getValue();
      int32(c);
      ByteBuffer bb = ByteBuffer.wrap(buf, 0, len);
      while (bb.hasRemaining()) {
        ch.write(bb);
      }
      written += len;
      len = 0;
      return written;
    }

    private void room(int n) throws IOException {
      if (len + n > buf.length) {
        drain();
      }
    }

    private void drain() throws IOException {
      crc.update(buf, 0, len);
      ByteBuffer bb = ByteBuffer.wrap(buf, 0, len);
      while (bb.hasRemaining()) {
        ch.write(bb);
      }
      written += len;
      len = 0;
    }
  }
}
