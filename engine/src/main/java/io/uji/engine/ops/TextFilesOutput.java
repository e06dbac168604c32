package io.uji.engine.ops;

import io.uji.streaming.Dataset;
import io.uji.streaming.Time;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.BiConsumer;
import org.apache.commons.io.file.PathUtils;

/**
 * saveAsTextFiles: each batch becomes the directory {@code prefix-<time ms>[.suffix]} with one
 * {@code part-NNNNN} file per partition. The directory is written under a hidden temporary name,
 * every file forced to disk, then renamed atomically, so a reader never sees a partial batch; a
 * batch replayed after a crash finds the directory complete (same data) and leaves it.
 */
public final class TextFilesOutput<T> implements BiConsumer<Dataset<T>, Time> {
  private final String prefix;
  private final String suffix;

  public TextFilesOutput(String prefix, String suffix) {
    this.prefix = prefix;
    this.suffix = suffix;
  }

  /** @return the directory of batch {@code t} */
  public Path directoryFor(Time t) {
    String name = prefix + "-" + t.milliseconds() + (suffix == null || suffix.isEmpty() ? "" : "." + suffix);
    return Path.of(name).toAbsolutePath();
  }

  @Override
  public void accept(Dataset<T> data, Time t) {
    Path target = directoryFor(t);
    if (Files.isDirectory(target)) {
      return;
    }
    Path parent = target.getParent();
    Path tmp = parent.resolve("." + target.getFileName() + ".tmp");
    try {
      Files.createDirectories(parent);
      if (Files.exists(tmp)) {
        PathUtils.deleteDirectory(tmp);
      }
      Files.createDirectory(tmp);
      List<List<T>> parts = data.partitions();
      for (int p = 0; p < parts.size(); p++) {
        writePart(tmp.resolve(String.format("part-%05d", p)), parts.get(p));
      }
      forceDirectory(tmp);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      forceDirectory(parent);
    } catch (IOException e) {
      throw new UncheckedIOException("saveAsTextFiles could not write " + target, e);
    }
  }

  private static <T> void writePart(Path file, List<T> records) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      BufferedWriter w = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(ch), StandardCharsets.UTF_8));
      for (T r : records) {
        w.write(String.valueOf(r));
        w.write('\n');
      }
      w.flush();
      ch.force(true);
    }
  }

  private static void forceDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some platforms cannot open directories for fsync; the rename is still atomic there.
    }
  }
}
