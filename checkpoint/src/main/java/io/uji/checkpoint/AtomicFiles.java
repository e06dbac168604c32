package io.uji.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a file's content all at once (Kafka's OffsetCheckpoint.write): after a crash the
 * file holds either the old or the new content, never a mix.
 */
public final class AtomicFiles {

  private AtomicFiles() {}

  /**
   * Writes {@code content} to {@code target} atomically and durably, on the real file system.
   *
   * @throws CheckpointException naming the file if any step fails
   */
  public static void write(Path target, byte[] content) {
    write(FileIo.real(), target, content);
  }

  /**
   * Writes {@code target.tmp}, forces it, renames it over {@code target} (atomic move), then
   * forces the parent directory so the rename itself survives a crash.
   *
   * @throws CheckpointException naming the file if any step fails; {@code target} is then
   *     unchanged and the temporary file removed (best effort)
   */
  public static void write(FileIo io, Path target, byte[] content) {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try {
      try (FileChannel ch = io.open(tmp, StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
        io.write(ch, ByteBuffer.wrap(content), 0);
        io.force(ch);
      }
      io.atomicMove(tmp, target);
      io.forceDirectory(target.toAbsolutePath().getParent());
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new CheckpointException("Cannot write " + target + " atomically: " + e, e);
    }
  }
}
