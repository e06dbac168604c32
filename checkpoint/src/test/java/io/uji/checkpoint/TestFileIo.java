package io.uji.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** The fault-injection seam: real files, plus counted forces and an optional "disk full". */
final class TestFileIo implements FileIo {
  final AtomicInteger forces = new AtomicInteger();
  /** Bytes that may still be written before writes fail; negative = unlimited. */
  final AtomicLong spaceLeft = new AtomicLong(-1);

  @Override
  public FileChannel open(Path file, OpenOption... options) throws IOException {
    return FileIo.real().open(file, options);
  }

  @Override
  public void write(FileChannel channel, ByteBuffer src, long position) throws IOException {
    long left = spaceLeft.get();
    if (left >= 0 && src.remaining() > left) {
      // Like a real full disk: part of the buffer lands, then ENOSPC.
      ByteBuffer part = src.slice(src.position(), (int) left);
      FileIo.real().write(channel, part, position);
      spaceLeft.set(0);
      throw new IOException("No space left on device");
    }
    if (left >= 0) {
      spaceLeft.addAndGet(-src.remaining());
    }
    FileIo.real().write(channel, src, position);
  }

  @Override
  public void force(FileChannel channel) throws IOException {
    forces.incrementAndGet();
    FileIo.real().force(channel);
  }

  @Override
  public void atomicMove(Path source, Path target) throws IOException {
    FileIo.real().atomicMove(source, target);
  }

  @Override
  public void forceDirectory(Path dir) throws IOException {
    FileIo.real().forceDirectory(dir);
  }
}
