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
import java.util.zip.CRC32;

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
   * @return the entries of {@code dir}/{@value #NAME} by column family name, none if there is no
   *     such file (a checkpoint that wrote every entry into RocksDB, or one made before the file
   *     existed)
   * @throws StateStoreException if the file is damaged or of another version
   */
  static Map<String, SerializedEntries> read(Path dir) {
    Path file = dir.resolve(NAME);
    Map<String, SerializedEntries> blocks = new LinkedHashMap<>();
    if (!Files.exists(file)) {
      return blocks;
    }
    byte[] b;
    try {
      b = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new StateStoreException("Error reading " + file, e);
    }
    if (b.length < MAGIC.length + 12 || !Arrays.equals(b, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new StateStoreException("Damaged state checkpoint file " + file + ": not a dirty-entries file");
    }
    ByteBuffer in = ByteBuffer.wrap(b);
    in.position(MAGIC.length);
    int version = in.getInt();
    if (version != VERSION) {
      throw new StateStoreException("State checkpoint file " + file + " is of format version " + version
          + ", this version of Uji reads version " + VERSION);
    }
    CRC32 crc = new CRC32();
    crc.update(b, 0, b.length - 4);
    if ((int) crc.getValue() != ByteBuffer.wrap(b, b.length - 4, 4).getInt()) {
      throw new StateStoreException("Damaged state checkpoint file " + file + ": checksum mismatch");
    }
    try {
      int count = in.getInt();
      for (int k = 0; k < count; k++) {
        int nameLength = Varints.read(in);
        String name = new String(b, in.position(), nameLength, StandardCharsets.UTF_8);
        in.position(in.position() + nameLength);
        int entries = in.getInt();
        // One block per partition: a column family's partitions are merged into one.
        SerializedEntries block = blocks.computeIfAbsent(name, n -> new SerializedEntries(0, entries, 32L * entries));
        for (int i = 0; i < entries; i++) {
          int keyLength = Varints.read(in);
          int valueLength = Varints.read(in) - 1;
          int at = in.position();
          block.add(b, at, keyLength, valueLength);
          in.position(at + keyLength + Math.max(0, valueLength));
        }
      }
      if (in.position() != b.length - 4) {
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
