package io.uji.state;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.apache.commons.io.file.PathUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file half of {@link StateStore#restore}: replaces a store's live directory by a copy of a
 * checkpoint that {@link StateStore#checkpoint} wrote, without ever modifying the checkpoint.
 *
 * <p>SST and blob files are immutable in RocksDB, so they are hard-linked (copied when the file
 * system cannot link); {@code CURRENT}, {@code MANIFEST-*} and {@code OPTIONS-*} are copied,
 * because RocksDB rewrites or appends to some of them and each restore needs its own.
 *
 * <p>The copy is built beside the live directory ({@code <live>.restoring}) and swapped in by
 * renames ({@code <live>} to {@code <live>.old}, {@code <live>.restoring} to {@code <live>}), so a
 * crash at any point leaves the old live database, the new one, or none, plus leftovers that the
 * next restore deletes: never a half-copied live directory.
 */
final class StateRestore {
  private static final Logger LOG = LoggerFactory.getLogger(StateRestore.class);
  static final String STAGING_SUFFIX = ".restoring";
  static final String OLD_SUFFIX = ".old";

  /**
   * What a restore did.
   *
   * @param linked files hard-linked from the checkpoint
   * @param copied files copied from the checkpoint
   */
  record Copied(int linked, int copied) {}

  private StateRestore() {}

  /**
   * Replaces {@code live} by a copy of {@code checkpointDir}, creating {@code live}'s parent if
   * missing. Only the checkpoint's regular files are copied, except its {@link DirtyEntriesFile}.
   *
   * @return how many files were linked and copied
   * @throws StateStoreException if {@code checkpointDir} holds no {@code CURRENT} file (not a
   *     state checkpoint), if {@code live} exists, is not empty and holds no RocksDB database (it
   *     is never deleted then), or if copying, renaming or deleting fails
   */
  static Copied replaceLive(Path checkpointDir, Path live) {
    long start = System.nanoTime();
    if (!Files.isRegularFile(checkpointDir.resolve("CURRENT"))) {
      throw new StateStoreException("Error restoring state store " + live + " from " + checkpointDir
          + ": not a state checkpoint (no CURRENT file)");
    }
    Path staging = live.resolveSibling(live.getFileName() + STAGING_SUFFIX);
    Path old = live.resolveSibling(live.getFileName() + OLD_SUFFIX);
    try {
      Files.createDirectories(live.toAbsolutePath().getParent());
      deleteIfExists(staging);
      deleteIfExists(old);
      requireDatabaseOrEmpty(live, checkpointDir);
      Files.createDirectory(staging);
      Copied copied = copyFiles(checkpointDir, staging);
      if (Files.exists(live)) {
        Files.move(live, old, StandardCopyOption.ATOMIC_MOVE);
      }
      Files.move(staging, live, StandardCopyOption.ATOMIC_MOVE);
      deleteIfExists(old);
      LOG.info("Restored state store {} from {}: {} files linked, {} copied in {} ms",
          live, checkpointDir, copied.linked(), copied.copied(), (System.nanoTime() - start) / 1_000_000);
      return copied;
    } catch (IOException e) {
      throw new StateStoreException("Error restoring state store " + live + " from " + checkpointDir, e);
    }
  }

  /** Refuses to replace a directory that holds something other than a RocksDB database. */
  private static void requireDatabaseOrEmpty(Path live, Path checkpointDir) throws IOException {
    if (!Files.exists(live) || Files.exists(live.resolve("CURRENT"))) {
      return;
    }
    boolean empty;
    try (Stream<Path> s = Files.list(live)) {
      empty = s.findAny().isEmpty();
    }
    if (!empty) {
      throw new StateStoreException("Error restoring state store " + live + " from " + checkpointDir
          + ": the live directory is not empty and holds no RocksDB database; refusing to delete it");
    }
  }

  private static Copied copyFiles(Path checkpointDir, Path staging) throws IOException {
    int linked = 0;
    int copied = 0;
    try (Stream<Path> files = Files.list(checkpointDir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (!Files.isRegularFile(f) || f.getFileName().toString().equals(DirtyEntriesFile.NAME)) {
          continue; // not RocksDB's: StateStore#restore reads it from the checkpoint
        }
        Path target = staging.resolve(f.getFileName());
        String n = f.getFileName().toString();
        if ((n.endsWith(".sst") || n.endsWith(".blob")) && tryLink(target, f)) {
          linked++;
        } else {
          Files.copy(f, target);
          copied++;
        }
      }
    }
    return new Copied(linked, copied);
  }

  private static boolean tryLink(Path link, Path existing) throws IOException {
    try {
      Files.createLink(link, existing);
      return true;
    } catch (UnsupportedOperationException | FileSystemException e) {
      // Another file system, or links not supported: fall back to a copy.
      return false;
    }
  }

  private static void deleteIfExists(Path dir) throws IOException {
    if (Files.exists(dir)) {
      PathUtils.deleteDirectory(dir);
    }
  }
}
