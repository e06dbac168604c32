package io.uji.checkpoint;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Every file a checkpoint's state consists of, with its size and CRC32C, recorded when the
 * checkpoint is completed and checked before the checkpoint is trusted: a torn copy, a bad
 * sector, a truncated RocksDB MANIFEST (which RocksDB may open as an older version of the state
 * without complaint), a deleted or an added file are all found before any of it is used.
 *
 * <p>Encoded (big-endian) as {@code int count | count x (u16 nameLength | name UTF-8 | long size
 * | int crc32c)}, names relative to the state directory with '/' separators, in name order.
 *
 * @param files the files, in name order
 */
public record CheckpointManifest(List<StateFile> files) {

  /**
   * One file of a checkpoint's state.
   *
   * @param name the path relative to the state directory, '/'-separated
   * @param size its length in bytes
   * @param crc32c the CRC32C of all its bytes
   */
  public record StateFile(String name, long size, int crc32c) {}

  public CheckpointManifest {
    files = List.copyOf(files);
  }

  /**
   * Lists and checksums every regular file under {@code stateDir}.
   *
   * @param checksums where checksums of files seen before are remembered
   * @return the manifest; empty if {@code stateDir} does not exist
   * @throws IOException if a file cannot be read
   */
  static CheckpointManifest of(Path stateDir, FileChecksums checksums) throws IOException {
    List<StateFile> out = new ArrayList<>();
    for (String name : fileNames(stateDir)) {
      Path f = stateDir.resolve(name);
      out.add(new StateFile(name, Files.size(f), checksums.checksum(f)));
    }
    return new CheckpointManifest(out);
  }

  /**
   * Checks that {@code stateDir} holds exactly these files with these sizes and checksums,
   * reading every byte.
   *
   * @param checksums told the checksum of every file found intact, so that the next checkpoint
   *     that links the same file need not read it again
   * @param readByCaller names of files whose bytes are not read here (only their presence and
   *     size are checked): the caller checks them against the returned checksums as it reads them
   * @return the recorded CRC32C of each file of {@code readByCaller} the checkpoint holds, by name
   * @throws CheckpointCorruptedException naming the first file that is missing, extra, of
   *     another size or with another checksum
   * @throws CheckpointException if a file cannot be read for another reason
   */
  Map<String, Integer> verify(Path stateDir, FileChecksums checksums, Set<String> readByCaller) {
    Map<String, Integer> left = new HashMap<>();
    try {
      Set<String> present = new TreeSet<>(fileNames(stateDir));
      for (StateFile f : files) {
        Path p = stateDir.resolve(f.name());
        if (!present.remove(f.name())) {
          throw new CheckpointCorruptedException(p, "the file is missing");
        }
        long size = Files.size(p);
        if (size != f.size()) {
          throw new CheckpointCorruptedException(p, "it holds " + size + " bytes, the checkpoint recorded "
              + f.size() + " (truncated or overwritten)");
        }
        if (readByCaller.contains(f.name())) {
          left.put(f.name(), f.crc32c());
          continue;
        }
        int crc = FileChecksums.compute(p);
        if (crc != f.crc32c()) {
          throw new CheckpointCorruptedException(p, String.format(
              "its CRC32C is %08x, the checkpoint recorded %08x (damaged bytes)", crc, f.crc32c()));
        }
        checksums.remember(p, crc);
      }
      if (!present.isEmpty()) {
        throw new CheckpointCorruptedException(stateDir.resolve(present.iterator().next()),
            "the file is not part of the checkpoint (added after it was written)");
      }
      return left;
    } catch (NoSuchFileException e) {
      throw new CheckpointCorruptedException(Path.of(e.getFile()), "the file is missing", e);
    } catch (IOException e) {
      throw new CheckpointException("Cannot verify the checkpoint state in " + stateDir + ": " + e, e);
    }
  }

  private static List<String> fileNames(Path stateDir) throws IOException {
    if (!Files.isDirectory(stateDir)) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(stateDir)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        if (Files.isRegularFile(p)) {
          names.add(stateDir.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/"));
        }
      }
    }
    names.sort(null);
    return names;
  }

  byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(files.size());
      for (StateFile f : files) {
        byte[] name = f.name().getBytes(StandardCharsets.UTF_8);
        out.writeShort(name.length);
        out.write(name);
        out.writeLong(f.size());
        out.writeInt(f.crc32c());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen in memory
    }
    return bytes.toByteArray();
  }

  /**
   * Reads a manifest written by {@link #toBytes()} from {@code in}'s position.
   *
   * @throws IllegalArgumentException if the bytes are not a manifest
   */
  static CheckpointManifest read(ByteBuffer in) {
    try {
      int count = in.getInt();
      if (count < 0 || count > in.remaining() / 14) {
        throw new IllegalArgumentException("bad file count " + count);
      }
      List<StateFile> files = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        byte[] bytes = new byte[Short.toUnsignedInt(in.getShort())];
        in.get(bytes);
        String name = new String(bytes, StandardCharsets.UTF_8);
        if (name.isEmpty() || name.startsWith("/") || ("/" + name + "/").contains("/../")) {
          throw new IllegalArgumentException("bad file name '" + name + "'");
        }
        files.add(new StateFile(name, in.getLong(), in.getInt()));
      }
      return new CheckpointManifest(files);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("the manifest is cut short", e);
    }
  }
}
