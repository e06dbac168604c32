package io.uji.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * CRC32C checksums of the files of checkpoints, computed once per file.
 *
 * <p>Checkpoints of a RocksDB store are hard links to mostly the same immutable SST files: the
 * checkpoint after this one holds the same files plus a few new ones. Reading every file of
 * every checkpoint again to checksum it would make a checkpoint cost as much I/O as the whole
 * state. So the checksum of a file written into a checkpoint is remembered by its file key (the
 * inode, shared by all hard links of it) and size, and taken again from memory when the next
 * checkpoint links the same file. A file whose bytes were damaged since keeps its remembered
 * (correct) checksum, so the damage is found when a checkpoint holding it is verified: {@link
 * #compute} always reads the file.
 *
 * <p>Thread-safe.
 */
public final class FileChecksums {
  /** Bounded: a checkpoint directory holds a few thousand files at most; the oldest go first. */
  private static final int MAX_REMEMBERED = 100_000;

  private final Map<Object, Remembered> byFileKey = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Object, Remembered> eldest) {
      return size() > MAX_REMEMBERED;
    }
  };

  /**
   * What identifies a file as the one checksummed before. Not its modification time: a file
   * damaged in place must keep its old, correct checksum, so that verification finds the
   * damage. The name guards against an inode reused by another file of the same size (RocksDB
   * never reuses a file number within one database).
   */
  private record Remembered(String name, long size, int crc) {}

  /**
   * @return the checksum of {@code file}: remembered if this file (same inode, name and size)
   *     was checksummed before, else computed by reading it
   * @throws IOException if the file cannot be read
   */
  public int checksum(Path file) throws IOException {
    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
    Object key = a.fileKey();
    if (key != null) {
      synchronized (this) {
        Remembered r = byFileKey.get(key);
        if (r != null && r.size() == a.size() && r.name().equals(file.getFileName().toString())) {
          return r.crc();
        }
      }
    }
    int crc = compute(file);
    remember(file, a, crc);
    return crc;
  }

  /**
   * Remembers that {@code file} (as it is now) has checksum {@code crc}, for example after a
   * checkpoint holding it was verified.
   *
   * @throws IOException if the file's attributes cannot be read
   */
  public void remember(Path file, int crc) throws IOException {
    remember(file, Files.readAttributes(file, BasicFileAttributes.class), crc);
  }

  private synchronized void remember(Path file, BasicFileAttributes a, int crc) {
    if (a.fileKey() != null) {
      byFileKey.put(a.fileKey(), new Remembered(file.getFileName().toString(), a.size(), crc));
    }
  }

  /**
   * @return the CRC32C of every byte of {@code file}, read now (never remembered)
   * @throws IOException if the file cannot be read
   */
  public static int compute(Path file) throws IOException {
    CRC32C crc = new CRC32C();
    ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      while (ch.read(buf) >= 0) {
        buf.flip();
        crc.update(buf);
        buf.clear();
      }
    }
    return (int) crc.getValue();
  }
}
