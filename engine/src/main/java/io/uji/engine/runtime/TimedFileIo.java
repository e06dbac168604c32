package io.uji.engine.runtime;

import io.uji.checkpoint.FileIo;
import io.uji.engine.hooks.EngineObserver;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * The file operations of one receiver's write-ahead log, reporting the bytes written and how
 * long each force took. Used only when someone observes the context.
 */
final class TimedFileIo implements FileIo {
  private final FileIo inner;
  private final int input;
  private final EngineObserver observer;

  TimedFileIo(FileIo inner, int input, EngineObserver observer) {
    this.inner = inner;
    this.input = input;
    this.observer = observer;
  }

  @Override
  public FileChannel open(Path file, OpenOption... options) throws IOException {
    return inner.open(file, options);
  }

  @Override
  public void write(FileChannel channel, ByteBuffer src, long position) throws IOException {
    int bytes = src.remaining();
    inner.write(channel, src, position);
    observer.walWritten(input, bytes);
  }

  @Override
  public void force(FileChannel channel) throws IOException {
    long start = System.nanoTime();
    inner.force(channel);
    observer.walForced(input, System.nanoTime() - start);
  }

  @Override
  public void atomicMove(Path source, Path target) throws IOException {
    inner.atomicMove(source, target);
  }

  @Override
  public void forceDirectory(Path dir) throws IOException {
    inner.forceDirectory(dir);
  }
}
