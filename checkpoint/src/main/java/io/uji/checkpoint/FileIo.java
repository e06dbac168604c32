package io.uji.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * Every write, force and rename this module does goes through here. It exists only as a
 * fault-injection seam: tests wrap {@link #real()} to make a write fail with "No space left on
 * device" or to count forces. Production code always uses {@link #real()}.
 */
public interface FileIo {

  /** @return the implementation backed by the real file system */
  static FileIo real() {
    return RealFileIo.INSTANCE;
  }

  /**
   * @return an open channel
   * @throws IOException as {@link FileChannel#open(Path, OpenOption...)}
   */
  FileChannel open(Path file, OpenOption... options) throws IOException;

  /**
   * Writes all of {@code src} at {@code position}.
   *
   * @throws IOException if the write fails, possibly after part of {@code src} was written
   */
  void write(FileChannel channel, ByteBuffer src, long position) throws IOException;

  /**
   * Makes everything written to {@code channel} durable ({@code fdatasync}).
   *
   * @throws IOException if the device reports a failure; the written data must then be
   *     considered lost
   */
  void force(FileChannel channel) throws IOException;

  /**
   * Atomically renames {@code source} to {@code target}, replacing it.
   *
   * @throws IOException if the move fails or cannot be atomic on this file system
   */
  void atomicMove(Path source, Path target) throws IOException;

  /**
   * Makes a directory's entries (creations, renames, deletions) durable. Platforms that cannot
   * open a directory for this are tolerated silently.
   *
   * @throws IOException if the directory exists, could be opened, and its force failed
   */
  void forceDirectory(Path dir) throws IOException;
}
