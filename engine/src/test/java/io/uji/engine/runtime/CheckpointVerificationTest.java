package io.uji.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.streaming.ManualClock;
import io.uji.streaming.StreamingContext;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.io.file.PathUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A checkpoint is trusted only once verified: damage to any file of the newest checkpoint (one
 * the previous checkpoints do not share) sets it aside and recovery falls back to the previous
 * one, with an exact result; damage to a file that several checkpoints share condemns all of
 * them; a checkpoint written by another directory is refused.
 */
class CheckpointVerificationTest {
  private static final long INTERVAL = 1000;
  private static final int EVENTS = 120;
  private static final int PER_BATCH = 10;
  private static final int KEYS = 7;

  @TempDir Path tmp;

  private final CheckpointedCountJob job = new CheckpointedCountJob(INTERVAL, KEYS, PER_BATCH, EVENTS, c -> c);

  /** Seven batches, checkpoints after 2, 4 and 6; then a crash-like stop. */
  private Path firstRun() {
    Path dir = tmp.resolve("ckpt");
    StreamingContext ssc = job.start(dir);
    job.runUntil(7 * INTERVAL);
    ssc.stop(false);
    assertEquals(List.of(6000L, 4000L, 2000L), checkpointIds(dir));
    return dir;
  }

  /** Resumes and runs until every event is counted; @return the final state. */
  private Map<Integer, Long> resumeToTheEnd(Path dir) {
    job.completed.clear();
    StreamingContext ssc = job.start(dir);
    job.runUntil(job.clock.getTimeMillis() + (EVENTS / PER_BATCH) * INTERVAL);
    ssc.stop(false);
    return job.stateAfter.get(job.clock.getTimeMillis());
  }

  private Map<Integer, Long> expectedCounts() {
    return job.expectedFinalState();
  }

  private static List<Long> checkpointIds(Path dir) {
    try (Stream<Path> s = Files.list(dir.resolve("checkpoints"))) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("checkpoint-\\d{20}"))
          .map(n -> Long.parseLong(n.substring("checkpoint-".length()))).sorted((a, b) -> Long.compare(b, a)).toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<Path> setAside(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir.resolve("checkpoints"))) {
      return s.filter(p -> p.getFileName().toString().contains(".corrupt-")).sorted().toList();
    }
  }

  private static Path checkpointState(Path dir, long id) {
    return dir.resolve("checkpoints").resolve(String.format("checkpoint-%020d", id)).resolve("state");
  }

  private static Object inode(Path p) {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class).fileKey();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** @return a file of the newest checkpoint's state matching {@code prefix}, preferring one no older checkpoint links */
  private static Path newestFile(Path dir, String prefix, boolean shared) throws IOException {
    Set<Object> older = new HashSet<>();
    for (long id : List.of(4000L, 2000L)) {
      try (Stream<Path> s = Files.list(checkpointState(dir, id))) {
        s.forEach(p -> older.add(inode(p)));
      }
    }
    try (Stream<Path> s = Files.list(checkpointState(dir, 6000))) {
      return s.filter(p -> p.getFileName().toString().startsWith(prefix))
          .filter(p -> older.contains(inode(p)) == shared).findFirst().orElseThrow(
              () -> new AssertionError("no " + (shared ? "shared " : "unshared ") + prefix + " file in the newest checkpoint"));
    }
  }

  /** Ways to damage one file. */
  enum Damage {
    MANIFEST_TRUNCATED_BY_62_BYTES("MANIFEST-"),
    CURRENT_DELETED("CURRENT"),
    UNSHARED_SST_BIT_FLIPPED(".sst"),
    METADATA_TRUNCATED("metadata");

    final String file;

    Damage(String file) {
      this.file = file;
    }
  }

  private static void damage(Damage d, Path file) throws IOException {
    switch (d) {
      case MANIFEST_TRUNCATED_BY_62_BYTES, METADATA_TRUNCATED -> {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
          ch.truncate(ch.size() - 62);
        }
      }
      case CURRENT_DELETED -> Files.delete(file);
      case UNSHARED_SST_BIT_FLIPPED -> {
        byte[] b = Files.readAllBytes(file);
        b[b.length / 3] ^= 0x10;
        Files.write(file, b);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Damage.class)
  void damageToTheNewestCheckpointFallsBackToThePreviousOneExactly(Damage d) throws IOException {
    Path dir = firstRun();
    Path file = switch (d) {
      case METADATA_TRUNCATED -> checkpointState(dir, 6000).resolveSibling("metadata");
      case UNSHARED_SST_BIT_FLIPPED -> unsharedSst(dir);
      default -> newestFile(dir, d.file, false);
    };
    damage(d, file);

    assertEquals(expectedCounts(), resumeToTheEnd(dir), "exact after the fallback");
    List<Path> aside = setAside(dir);
    assertEquals(1, aside.size(), "only the damaged checkpoint is set aside: " + aside);
    assertTrue(aside.get(0).getFileName().toString().startsWith(String.format("checkpoint-%020d", 6000)));
    String reason = Files.readString(aside.get(0).resolve("REASON.txt"));
    assertTrue(reason.contains(file.getFileName().toString()), "the reason names the file: " + reason);
  }

  private static Path unsharedSst(Path dir) throws IOException {
    Set<Object> older = new HashSet<>();
    for (long id : List.of(4000L, 2000L)) {
      try (Stream<Path> s = Files.list(checkpointState(dir, id))) {
        s.forEach(p -> older.add(inode(p)));
      }
    }
    try (Stream<Path> s = Files.list(checkpointState(dir, 6000))) {
      return s.filter(p -> p.getFileName().toString().endsWith(".sst")).filter(p -> !older.contains(inode(p)))
          .findFirst().orElseThrow(() -> new AssertionError("the newest checkpoint has no SST of its own"));
    }
  }

  @Test
  void damageToAFileSharedByCheckpointsSetsAsideEveryCheckpointHoldingIt() throws IOException {
    Path dir = firstRun();
    Path shared = null;
    try (Stream<Path> s = Files.list(checkpointState(dir, 6000))) {
      Set<Object> inOldest = new HashSet<>();
      try (Stream<Path> o = Files.list(checkpointState(dir, 2000))) {
        o.forEach(p -> inOldest.add(inode(p)));
      }
      for (Path p : (Iterable<Path>) s::iterator) {
        if (p.getFileName().toString().endsWith(".sst") && !inOldest.contains(inode(p))) {
          try (Stream<Path> mid = Files.list(checkpointState(dir, 4000))) {
            Object key = inode(p);
            if (mid.anyMatch(m -> key.equals(inode(m)))) {
              shared = p;
              break;
            }
          }
        }
      }
    }
    if (shared == null) {
      throw new AssertionError("no SST shared by checkpoints 4000 and 6000 only");
    }
    byte[] b = Files.readAllBytes(shared);
    b[b.length / 2] ^= 0x01;
    Files.write(shared, b);

    assertEquals(expectedCounts(), resumeToTheEnd(dir), "exact after falling back to checkpoint 2000");
    List<Path> aside = setAside(dir);
    assertEquals(2, aside.size(), "checkpoints 6000 and 4000 share the damaged file: " + aside);
    assertTrue(Files.readString(aside.get(1).resolve("REASON.txt")).contains("shared"));
  }

  /**
   * RocksDB's OPTIONS file does not change between checkpoints, so every checkpoint links the
   * same one: damage to it condemns them all, and the whole lineage log is replayed.
   */
  @Test
  void damageToTheOptionsFileThatEveryCheckpointSharesReplaysTheWholeLineage() throws IOException {
    Path dir = firstRun();
    Path options = newestFile(dir, "OPTIONS-", true);
    Files.write(options, new byte[(int) Files.size(options)]);

    assertEquals(expectedCounts(), resumeToTheEnd(dir), "exact after replaying from the first batch");
    assertEquals(3, setAside(dir).size(), "all three checkpoints hold the damaged file");
  }

  @Test
  void aCheckpointCopiedFromAnotherDirectoryIsRefused() throws IOException {
    Path dir = firstRun();
    Path other = tmp.resolve("other");
    ManualClock ours = job.clock;
    job.clock = new ManualClock(0);
    job.completed.clear();
    StreamingContext ssc = job.start(other);
    job.runUntil(2 * INTERVAL);
    ssc.stop(false);
    job.clock = ours;
    Path copied = other.resolve("checkpoints").resolve(String.format("checkpoint-%020d", 2000));
    Path target = dir.resolve("checkpoints").resolve(String.format("checkpoint-%020d", 8000));
    PathUtils.copyDirectory(copied, target);

    StreamingContext resumed = StreamingContext.getOrCreate(dir.toString(), job::create);
    RuntimeException e = assertThrows(RuntimeException.class, resumed::start);
    assertTrue(e.getMessage().contains("another checkpoint directory") && e.getMessage().contains(target.toString()),
        e.getMessage());
    assertFalse(setAside(dir).stream().anyMatch(p -> p.toString().contains("8000")), "a foreign file is not ours to move");
  }
}
