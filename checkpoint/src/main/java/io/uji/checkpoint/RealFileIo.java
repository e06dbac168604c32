package io.uji.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** {@link FileIo} on the real file system. */
final class RealFileIo implements FileIo {
  static final RealFileIo INSTANCE = new RealFileIo();

  private RealFileIo() {}

  @Override
  public FileChannel open(Path file, OpenOption... options) throws IOException {
    return FileChannel.open(file, options);
  }

  @Override
  public void write(FileChannel channel, ByteBuffer src, long position) throws IOException {
    long at = position;
    while (src.hasRemaining()) {
      at += channel.write(src, at);
    }
  }

  @Override
  public void force(FileChannel channel) throws IOException {
    // false = fdatasync: the length is data for this purpose, other metadata (mtime) is not.
    channel.force(false);
  }

  @Override
  public void atomicMove(Path source, Path target) throws IOException {
    Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public void forceDirectory(Path dir) throws IOException {
    FileChannel channel;
    try {
      channel = FileChannel.open(dir, StandardOpenOption.READ);
    } catch (IOException | UnsupportedOperationException e) {
      // Windows cannot open a directory; its renames are durable by other means.
      return;
    }
    try (channel) {
      channel.force(true);
    } catch (IOException e) {
      // Some platforms refuse fsync on a directory handle (EINVAL); nothing more can be done.
      if (!String.valueOf(e.getMessage()).contains("Invalid argument")) {
        throw e;
      }
    }
  }
}
