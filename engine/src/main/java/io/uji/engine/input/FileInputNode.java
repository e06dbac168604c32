package io.uji.engine.input;

import io.uji.engine.exec.Datasets;
import io.uji.engine.exec.WorkerPool;
import io.uji.engine.graph.InputNode;
import io.uji.engine.graph.StreamGraph;
import io.uji.engine.lineage.FilesLineage;
import io.uji.engine.lineage.FilesSeen;
import io.uji.streaming.Dataset;
import io.uji.streaming.Time;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Spark's textFileStream: each batch takes the files that appeared in a directory since the
 * previous batch (files must be moved in atomically), one partition of lines per file, each file
 * once. Names starting with '.' or '_' are ignored (in-progress files). The lineage is the list
 * of files, so a batch is replayed by reading them again.
 */
public final class FileInputNode extends InputNode<String, FilesLineage, FilesSeen> {
  private final Path dir;
  /** Names already taken; pruned to the names still present so a re-used name counts as new. */
  private final Set<String> seen = new HashSet<>();

  public FileInputNode(StreamGraph graph, Path dir) {
    super(graph, FilesLineage.class, FilesSeen.class);
    this.dir = dir.toAbsolutePath().normalize();
  }

  @Override
  public String kind() {
    return "files";
  }

  @Override
  public String identity() {
    return dir.toString();
  }

  /** Marks files as taken (recovery: files of logged batches). */
  private synchronized void markSeen(List<String> files) {
    for (String f : files) {
      seen.add(Path.of(f).getFileName().toString());
    }
  }

  @Override
  protected FilesSeen advance(FilesSeen before, FilesLineage lineage) {
    LinkedHashSet<String> names = new LinkedHashSet<>(before == null ? List.of() : before.names());
    for (String f : lineage.files()) {
      names.add(Path.of(f).getFileName().toString());
    }
    return new FilesSeen(new ArrayList<>(names));
  }

  /**
   * Every file name taken so far, as the node knows them (pruned to the names still in the
   * directory, so the list does not grow forever): a file still there is never read twice.
   */
  @Override
  public synchronized FilesSeen checkpointPosition(io.uji.engine.lineage.InputPosition afterBatch) {
    return new FilesSeen(new ArrayList<>(seen));
  }

  @Override
  protected void resumeAt(FilesSeen position) {
    if (position != null) {
      markSeen(position.names());
    }
  }

  @Override
  protected synchronized Allocation<String> takeInput(Time t) {
    List<String> present = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (!name.startsWith(".") && !name.startsWith("_") && Files.isRegularFile(p)) {
          present.add(name);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the directory " + dir + " of textFileStream", e);
    }
    seen.retainAll(present);
    present.sort(null);
    List<String> fresh = new ArrayList<>();
    for (String name : present) {
      if (seen.add(name)) {
        fresh.add(dir.resolve(name).toString());
      }
    }
    return new FilesAllocation(fresh);
  }

  @Override
  protected Allocation<String> rebuild(Time t, FilesLineage f) {
    markSeen(f.files());
    return new FilesAllocation(f.files());
  }

  private static final class FilesAllocation implements Allocation<String> {
    private final List<String> files;
    private Dataset<String> data;

    FilesAllocation(List<String> files) {
      this.files = files;
    }

    @Override
    public synchronized Dataset<String> dataset(WorkerPool pool) {
      if (data == null) {
        List<List<String>> parts = new ArrayList<>();
        for (String f : files) {
          try {
            parts.add(Files.readAllLines(Path.of(f), StandardCharsets.UTF_8));
          } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + f + " of textFileStream", e);
          }
        }
        if (parts.isEmpty()) {
          parts.add(List.of());
        }
        data = Datasets.of(parts, pool);
      }
      return data;
    }

    @Override
    public long recordCount() {
      return -1;
    }

    @Override
    public FilesLineage lineage() {
      return new FilesLineage(files);
    }
  }
}
