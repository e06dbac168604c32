package io.uji.recovery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Idempotent per-batch outputs of the test jobs: {@code <out>/<stream>/<batchTime>.txt} written
 * atomically (temp file + rename). A replay of a batch time finds the file and compares: a
 * difference is a recovery bug, reported loudly (a {@code MISMATCH} file and exit code 3).
 */
final class Outputs {
  static final int MISMATCH_EXIT = 3;
  private final Path root;

  Outputs(Path root) {
    this.root = root;
  }

  Path root() {
    return root;
  }

  /** @return true if the batch's file already existed (the batch is a replay), after checking it */
  boolean write(String stream, long timeMs, List<String> lines) {
    Path dir = root.resolve(stream);
    Path file = dir.resolve(timeMs + ".txt");
    String content = String.join("\n", lines) + (lines.isEmpty() ? "" : "\n");
    try {
      Files.createDirectories(dir);
      if (Files.exists(file)) {
        String before = Files.readString(file, StandardCharsets.UTF_8);
        if (!before.equals(content)) {
          Path m = root.resolve("MISMATCH-" + stream + "-" + timeMs);
          Files.writeString(m, "before:\n" + before + "\nreplay:\n" + content);
          System.out.println("MISMATCH " + stream + " batch " + timeMs + " differs on replay, see " + m);
          System.out.flush();
          Runtime.getRuntime().halt(MISMATCH_EXIT);
        }
        return true;
      }
      Path tmp = dir.resolve(timeMs + ".txt.tmp");
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** @return every batch file of {@code stream} by batch time, as lines */
  static TreeMap<Long, List<String>> read(Path root, String stream) {
    TreeMap<Long, List<String>> m = new TreeMap<>();
    Path dir = root.resolve(stream);
    if (!Files.isDirectory(dir)) {
      return m;
    }
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String n = p.getFileName().toString();
        if (n.endsWith(".txt")) {
          m.put(Long.parseLong(n.substring(0, n.length() - 4)),
              new ArrayList<>(Files.readString(p, StandardCharsets.UTF_8).lines().toList()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return m;
  }

  /** @return the names of MISMATCH files (must be none) */
  static List<String> mismatches(Path root) {
    try (Stream<Path> s = Files.list(root)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("MISMATCH")).toList();
    } catch (IOException e) {
      return List.of();
    }
  }
}
