package io.uji.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fault-injection seam: real files, plus counted and recorded forces and an optional "disk
 * full".
 */
final class TestFileIo implements FileIo {
  /**
   * One completed force.
   *
   * @param file the file forced
   * @param length its length just before the force: every byte below it is durable
   * @param seq when the force returned, on {@link #clock}
   */
  record Force(Path file, long length, long seq) {}

  final AtomicInteger forces = new AtomicInteger();
  /** Bytes that may still be written before writes fail; negative = unlimited. */
  final AtomicLong spaceLeft = new AtomicLong(-1);
  /** Orders forces and whatever a test records against them. */
  final AtomicLong clock = new AtomicLong();
  final Queue<Force> forceLog = new ConcurrentLinkedQueue<>();
  private final Map<FileChannel, Path> files = new ConcurrentHashMap<>();

  @Override
  public FileChannel open(Path file, OpenOption... options) throws IOException {
    FileChannel channel = FileIo.real().open(file, options);
    files.put(channel, file);
    return channel;
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
    long length = channel.size();
    FileIo.real().force(channel);
    forceLog.add(new Force(files.get(channel), length, clock.incrementAndGet()));
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
