package io.uji.engine.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.uji.streaming.BatchInfo;
import io.uji.streaming.DStream;
import io.uji.streaming.Durations;
import io.uji.streaming.GeneratorSpec;
import io.uji.streaming.ManualClock;
import io.uji.streaming.Pair;
import io.uji.streaming.Receiver;
import io.uji.streaming.StreamingConfig;
import io.uji.streaming.StreamingContext;
import io.uji.streaming.StreamingContextState;
import io.uji.streaming.StreamingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Walks every kind of file of a checkpoint directory — identity, program, checkpoint metadata,
 * the state's SST, MANIFEST, CURRENT and OPTIONS files, lineage and write-ahead log segments
 * (older and newest), the live state — and damages each in four ways (a flipped bit, a cut
 * tail, deletion, a zero-filled range). For each, a resumed program must end with the exact
 * state, possibly after a documented fallback, or refuse with an error naming the damaged file:
 * never a wrong result, never a hang. The outcomes are written to
 * {@code target/corruption-walk.md} (the table in docs/RECOVERY.md).
 *
 * <p>Every block the receiver stored was taken by a logged batch before the directory was left
 * (a block stored but not yet taken, damaged in the last record of its log, cannot be told from
 * a torn write: a documented limit, not walked here).
 */
class CorruptionWalkTest {
  private static final long INTERVAL = 1000;
  private static final int EVENTS = 150;
  private static final int PER_BATCH = 10;
  private static final int BLOCKS_PER_BATCH = 5;
  private static final int FIRST_RUN_BATCHES = 9;

  @TempDir static Path tmp;
  private static Path original;
  private static final Map<String, String> TABLE = new TreeMap<>();

  /** A receiver that stores the blocks the test hands it, so batches take exactly those. */
  static final class HandFedReceiver extends Receiver<Long> {
    final LinkedBlockingQueue<List<Long>> blocks = new LinkedBlockingQueue<>();
    final AtomicLong stored = new AtomicLong();
    private volatile Thread thread;

    @Override
    public String name() {
      return "hand-fed";
    }

    @Override
    public void onStart() {
      Thread t = new Thread(() -> {
        try {
          while (!isStopped()) {
            List<Long> b = blocks.poll(10, TimeUnit.MILLISECONDS);
            if (b != null) {
              store(b);
              stored.addAndGet(b.size());
            }
          }
        } catch (InterruptedException | IllegalStateException e) {
          // stopping
        }
      });
      t.setDaemon(true);
      thread = t;
      t.start();
    }

    @Override
    public void onStop() {
      Thread t = thread;
      if (t != null) {
        t.interrupt();
      }
    }
  }

  /** One run of the program on a directory. */
  static final class Run {
    final ManualClock clock;
    final HandFedReceiver receiver = new HandFedReceiver();
    final Set<Long> completed = ConcurrentHashMap.newKeySet();
    final Map<Long, Map<String, Long>> stateAfter = new ConcurrentHashMap<>();
    final StreamingContext ssc;

    Run(Path dir, long startMs) {
      clock = new ManualClock(startMs);
      ssc = StreamingContext.getOrCreate(dir.toString(), this::program);
    }

    private StreamingContext program() {
      StreamingConfig cfg = StreamingConfig.builder().clock(clock).workerThreads(2).checkpointsRetained(3)
          .logSegmentBytes(400).build();
      StreamingContext c = new StreamingContext(cfg, Durations.milliseconds(INTERVAL));
      DStream<String> generated = c.generatorStream(
          new GeneratorSpec<Long>(i -> i, 0, PER_BATCH, EVENTS).withIdentity("walk")).map(i -> "g" + (i % 7));
      DStream<String> received = c.receiverStream(receiver).map(n -> "r" + (n % 5));
      generated.union(received).mapToPair(k -> Pair.of(k, 1L))
          .updateStateByKey((List<Long> v, Optional<Long> s) -> Optional.of(s.orElse(0L) + v.size()))
          .name("counts")
          .checkpoint(Durations.milliseconds(2 * INTERVAL))
          .foreachBatch((d, t) -> {
            Map<String, Long> all = new HashMap<>();
            for (Pair<String, Long> p : d.collect()) {
              all.put(p.key(), p.value());
            }
            stateAfter.put(t.milliseconds(), all);
          });
      c.addStreamingListener(new StreamingListener() {
        @Override
        public void onBatchCompleted(BatchInfo b) {
          if (b.failureReason().isEmpty()) {
            completed.add(b.batchTime().milliseconds());
          }
        }
      });
      return c;
    }

    /** Advances one batch interval and waits for that batch; @return false if the context stopped. */
    boolean nextBatch() {
      clock.advance(INTERVAL);
      long t = clock.getTimeMillis();
      await().atMost(Duration.ofSeconds(60))
          .until(() -> completed.contains(t) || ssc.getState() == StreamingContextState.STOPPED);
      return completed.contains(t);
    }
  }

  private static Map<String, Long> expected() {
    Map<String, Long> m = new HashMap<>();
    for (long i = 0; i < EVENTS; i++) {
      m.merge("g" + (i % 7), 1L, Long::sum);
    }
    for (long n = 0; n < (long) FIRST_RUN_BATCHES * BLOCKS_PER_BATCH * 10; n++) {
      m.merge("r" + (n % 5), 1L, Long::sum);
    }
    return m;
  }

  /**
   * The directory every case starts from: 9 batches, each taking 10 generated events and 5
   * blocks of the receiver; checkpoints after batches 4, 6 and 8 retained; batch 9 after them;
   * logs of 400-byte segments, so both logs have older and newer segments.
   */
  @BeforeAll
  static void writeTheDirectory() throws Exception {
    original = tmp.resolve("original");
    Run run = new Run(original, 0);
    run.ssc.start();
    long next = 0;
    for (int b = 1; b <= FIRST_RUN_BATCHES; b++) {
      for (int k = 0; k < BLOCKS_PER_BATCH; k++) {
        List<Long> block = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
          block.add(next++);
        }
        run.receiver.blocks.add(block);
      }
      long storedNow = next;
      await().atMost(Duration.ofSeconds(30)).until(() -> run.receiver.stored.get() == storedNow);
      assertTrue(run.nextBatch(), "batch " + b);
    }
    run.ssc.stop(false);
    try (Stream<Path> s = Files.list(original.resolve("lineage"))) {
      assertTrue(s.filter(p -> p.toString().endsWith(".log")).count() >= 2, "the lineage log has several segments");
    }
    try (Stream<Path> s = Files.list(original.resolve("wal/input-1"))) {
      assertTrue(s.filter(p -> p.toString().endsWith(".log")).count() >= 2, "the WAL has several segments");
    }
  }

  @AfterAll
  static void writeTheTable() throws IOException {
    StringBuilder md = new StringBuilder("| file | bit flip | cut tail | deleted | zero-filled range |\n|---|---|---|---|---|\n");
    Map<String, Map<Damage, String>> rows = new LinkedHashMap<>();
    TABLE.forEach((k, v) -> {
      String[] fileAndDamage = k.split("\\|");
      rows.computeIfAbsent(fileAndDamage[0], f -> new TreeMap<>()).put(Damage.valueOf(fileAndDamage[1]), v);
    });
    rows.forEach((file, byDamage) -> {
      md.append("| ").append(file);
      for (Damage d : Damage.values()) {
        md.append(" | ").append(byDamage.getOrDefault(d, ""));
      }
      md.append(" |\n");
    });
    Path out = Path.of("target", "corruption-walk.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, md.toString());
  }

  enum Damage { BIT_FLIP, CUT_TAIL, DELETED, ZERO_RANGE }

  /** How a case ended. */
  enum Outcome {
    /** exact, nothing set aside */
    EXACT,
    /** a damaged checkpoint set aside (WARN naming the file), then exact */
    FALLBACK_EXACT,
    /** the start (or the first batch) refused with an error naming the damaged file */
    REFUSED
  }

  /**
   * The outcomes pinned whatever the damage: a file only the newest checkpoint holds makes it
   * fall back; files recovery rebuilds or never trusts change nothing. (The other rows depend
   * on which files RocksDB's checkpoints happen to share; the test then only asserts that the
   * outcome is one of the three allowed.)
   */
  private static final Map<String, Outcome> PINNED = Map.of(
      "IDENTITY", Outcome.EXACT,
      "PROGRAM", Outcome.EXACT,
      "live state's MANIFEST", Outcome.EXACT,
      "metadata, newest checkpoint", Outcome.FALLBACK_EXACT,
      "MANIFEST, newest checkpoint", Outcome.FALLBACK_EXACT,
      "CURRENT, newest checkpoint", Outcome.FALLBACK_EXACT,
      "SST of the newest checkpoint only", Outcome.FALLBACK_EXACT,
      "WAL segment, newest", Outcome.REFUSED);

  /** The files to damage, found in a copy of the directory. */
  static Stream<Arguments> cases() {
    Map<String, Function<Path, Path>> files = new LinkedHashMap<>();
    files.put("IDENTITY", d -> d.resolve("IDENTITY"));
    files.put("PROGRAM", d -> d.resolve("PROGRAM"));
    files.put("metadata, newest checkpoint", d -> checkpoint(d, 0).resolve("metadata"));
    files.put("metadata, oldest checkpoint", d -> checkpoint(d, 2).resolve("metadata"));
    files.put("MANIFEST, newest checkpoint", d -> stateFile(d, 0, "MANIFEST-"));
    files.put("CURRENT, newest checkpoint", d -> stateFile(d, 0, "CURRENT"));
    files.put("OPTIONS (linked by every checkpoint)", d -> stateFile(d, 0, "OPTIONS-"));
    files.put("SST of the newest checkpoint only", d -> sst(d, true));
    files.put("SST of the oldest checkpoint", d -> sst(d, false));
    files.put("lineage segment, newest", d -> segment(d.resolve("lineage"), true));
    files.put("lineage segment, oldest", d -> segment(d.resolve("lineage"), false));
    files.put("WAL segment, newest", d -> segment(d.resolve("wal/input-1"), true));
    files.put("WAL segment, oldest", d -> segment(d.resolve("wal/input-1"), false));
    files.put("live state's MANIFEST", d -> liveManifest(d));
    List<Arguments> out = new ArrayList<>();
    files.forEach((name, find) -> {
      for (Damage d : Damage.values()) {
        out.add(Arguments.of(name, d, find));
      }
    });
    return out.stream();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("cases")
  void damageGivesAnExactResultAFallbackOrAClearRefusalNeverAWrongResult(String what, Damage damage,
      Function<Path, Path> find) throws Exception {
    Path dir = tmp.resolve("case-" + Math.abs((what + damage).hashCode()));
    copy(original, dir);
    Path file = find.apply(dir);
    damage(file, damage);

    Outcome outcome;
    String detail;
    Run run = new Run(dir, (FIRST_RUN_BATCHES + 1) * INTERVAL);
    try {
      run.ssc.start();
    } catch (RuntimeException e) {
      assertNamesTheFile(e, file, what, damage);
      record(what, damage, Outcome.REFUSED, e);
      return;
    }
    try {
      int batches = 0;
      Map<String, Long> expected = expected();
      while (batches < EVENTS / PER_BATCH + 4 && run.nextBatch()) {
        batches++;
        if (expected.equals(run.stateAfter.get(run.clock.getTimeMillis()))) {
          break; // every event counted; more batches would be empty
        }
      }
      if (run.ssc.getState() == StreamingContextState.STOPPED) {
        try {
          run.ssc.awaitTerminationOrTimeout(0);
          fail(what + " / " + damage + ": the context stopped without an error");
        } catch (RuntimeException e) {
          assertNamesTheFile(e, file, what, damage);
          record(what, damage, Outcome.REFUSED, e);
          return;
        }
      }
      Map<String, Long> state = run.stateAfter.get(run.clock.getTimeMillis());
      assertEquals(expected(), state, what + " / " + damage + ": a wrong result");
      outcome = setAside(dir).isEmpty() ? Outcome.EXACT : Outcome.FALLBACK_EXACT;
      checkPinned(what, damage, outcome);
      detail = setAside(dir).isEmpty() ? "" : " (" + setAside(dir).size() + " set aside)";
    } finally {
      run.ssc.stop(false);
    }
    TABLE.put(what + "|" + damage, outcome.name().toLowerCase().replace('_', ' ') + detail);
  }

  private static void record(String what, Damage damage, Outcome outcome, Throwable e) {
    checkPinned(what, damage, outcome);
    TABLE.put(what + "|" + damage, outcome.name().toLowerCase());
  }

  private static void checkPinned(String what, Damage damage, Outcome outcome) {
    Outcome pinned = PINNED.get(what);
    if (pinned != null) {
      assertEquals(pinned, outcome, what + " / " + damage);
    }
  }

  private static void assertNamesTheFile(Throwable e, Path file, String what, Damage damage) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.append(t.getMessage()).append('\n');
    }
    String text = all.toString();
    String name = file.getFileName().toString();
    String parent = file.getParent().getFileName().toString();
    assertTrue(text.contains(name) || text.contains(parent + "/") || text.contains(file.getParent().toString()),
        what + " / " + damage + ": the error does not name " + file + ":\n" + text);
  }

  private static List<Path> setAside(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir.resolve("checkpoints"))) {
      return s.filter(p -> p.getFileName().toString().contains(".corrupt-")).toList();
    }
  }

  // ---- finding files ---------------------------------------------------------------------------

  private static List<Path> checkpoints(Path dir) {
    try (Stream<Path> s = Files.list(dir.resolve("checkpoints"))) {
      return s.filter(p -> p.getFileName().toString().matches("checkpoint-\\d{20}"))
          .sorted((a, b) -> b.getFileName().compareTo(a.getFileName())).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path checkpoint(Path dir, int newestFirst) {
    return checkpoints(dir).get(newestFirst);
  }

  private static Path stateFile(Path dir, int newestFirst, String prefix) {
    try (Stream<Path> s = Files.list(checkpoint(dir, newestFirst).resolve("state"))) {
      return s.filter(p -> p.getFileName().toString().startsWith(prefix)).findFirst().orElseThrow();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Object inode(Path p) {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class).fileKey();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** @return an SST of the newest checkpoint no older one links, or of the oldest checkpoint */
  private static Path sst(Path dir, boolean newestOnly) {
    List<Path> cps = checkpoints(dir);
    try {
      if (!newestOnly) {
        try (Stream<Path> s = Files.list(cps.get(cps.size() - 1).resolve("state"))) {
          return s.filter(p -> p.toString().endsWith(".sst")).sorted().findFirst().orElseThrow();
        }
      }
      Set<Object> older = new HashSet<>();
      for (Path cp : cps.subList(1, cps.size())) {
        try (Stream<Path> s = Files.list(cp.resolve("state"))) {
          s.forEach(p -> older.add(inode(p)));
        }
      }
      try (Stream<Path> s = Files.list(cps.get(0).resolve("state"))) {
        return s.filter(p -> p.toString().endsWith(".sst")).filter(p -> !older.contains(inode(p))).findFirst()
            .orElseThrow(() -> new AssertionError("the newest checkpoint has no SST of its own"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path segment(Path logDir, boolean newest) {
    try (Stream<Path> s = Files.list(logDir)) {
      List<Path> all = s.filter(p -> p.toString().endsWith(".log")).sorted().toList();
      return newest ? all.get(all.size() - 1) : all.get(0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path liveManifest(Path dir) {
    try (Stream<Path> s = Files.list(dir.resolve("state"))) {
      return s.filter(p -> p.getFileName().toString().startsWith("MANIFEST-")).findFirst().orElseThrow();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- damaging ------------------------------------------------------------------------------

  private static void damage(Path file, Damage how) throws IOException {
    long size = Files.size(file);
    switch (how) {
      case BIT_FLIP -> {
        byte[] b = Files.readAllBytes(file);
        b[b.length / 2] ^= 0x10;
        Files.write(file, b);
      }
      case CUT_TAIL -> {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
          ch.truncate(Math.max(0, size - 5));
        }
      }
      case DELETED -> Files.delete(file);
      case ZERO_RANGE -> {
        byte[] b = Files.readAllBytes(file);
        int from = b.length / 3;
        for (int i = from; i < Math.min(b.length, from + 64); i++) {
          b[i] = 0;
        }
        Files.write(file, b);
      }
    }
  }

  /** Copies a directory keeping its hard links (checkpoints share files), with {@code cp -a}. */
  private static void copy(Path from, Path to) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("cp", "-a", from.toString(), to.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IOException("cp -a failed: " + out);
    }
  }
}
