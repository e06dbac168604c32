package io.uji.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Checks a finished job's outputs and checkpoint directory against the ground truth. */
final class Verify {
  private Verify() {}

  /**
   * The generator's events in the "events" outputs: read in batch-time order they are exactly
   * 0, 1, ..., n-1 (so no event is lost or duplicated and no batch with data lacks its output),
   * and the per-user counts equal the ground truth.
   */
  static void generatorEvents(Path out, long n, int users) {
    assertEquals(List.of(), Outputs.mismatches(out), "a replayed batch wrote different output");
    TreeMap<Long, List<String>> batches = Outputs.read(out, "events");
    long expected = 0;
    Map<Integer, Long> perUser = new TreeMap<>();
    for (Map.Entry<Long, List<String>> b : batches.entrySet()) {
      for (String s : b.getValue()) {
        long i = Long.parseLong(s);
        assertEquals(expected, i, "batch " + b.getKey() + ": events out of order, lost or duplicated");
        expected++;
        perUser.merge(Events.user(i, users), 1L, Long::sum);
      }
    }
    assertEquals(n, expected, "events in the outputs");
    assertEquals(Events.countsPerUser(n, users), perUser, "per-user counts");
  }

  /** The TOTAL line of the last run says events = n and users = the distinct users of the events. */
  static void totalLine(String stdout, long n, int users) {
    String expected = "TOTAL events=" + n + " users=" + Events.countsPerUser(n, users).size();
    assertTrue(stdout.lines().anyMatch(expected::equals), "expected the line '" + expected + "' in\n" + stdout);
  }

  /**
   * updateStateByKey's "totals" outputs: the last batch's state equals the ground truth per user;
   * along the batches every user's count never decreases.
   */
  static void updateTotals(Path out, long n, int users) {
    assertEquals(List.of(), Outputs.mismatches(out), "a replayed batch wrote different output");
    TreeMap<Long, List<String>> batches = Outputs.read(out, "totals");
    assertTrue(!batches.isEmpty(), "no totals output");
    Map<Integer, Long> prev = Map.of();
    for (Map.Entry<Long, List<String>> b : batches.entrySet()) {
      Map<Integer, Long> cur = JobMain.parseCounts(b.getValue());
      for (Map.Entry<Integer, Long> e : prev.entrySet()) {
        assertTrue(cur.getOrDefault(e.getKey(), 0L) >= e.getValue(), "batch " + b.getKey() + ": user " + e.getKey()
            + " went from " + e.getValue() + " to " + cur.get(e.getKey()));
      }
      prev = cur;
    }
    assertEquals(Events.countsPerUser(n, users), JobMain.parseCounts(batches.lastEntry().getValue()),
        "per-user counts in the state after the last batch");
  }

  /**
   * mapWithState sessions: the counts of every timed-out session (each emitted once, in the
   * batch where it timed out) plus the sessions still open after the last batch equal the
   * ground truth per user.
   */
  static void sessions(Path out, long n, int users) {
    assertEquals(List.of(), Outputs.mismatches(out), "a replayed batch wrote different output");
    TreeMap<Long, List<String>> snaps = Outputs.read(out, "sessions");
    assertTrue(!snaps.isEmpty(), "no session snapshots");
    Map<Integer, Long> perUser = new TreeMap<>(JobMain.parseCounts(snaps.lastEntry().getValue()));
    long timedOut = 0;
    for (Map.Entry<Long, List<String>> b : Outputs.read(out, "timeouts").entrySet()) {
      if (b.getKey() > snaps.lastKey()) {
        continue; // after the last snapshot the job had already finished
      }
      for (Map.Entry<Integer, Long> e : JobMain.parseCounts(b.getValue()).entrySet()) {
        perUser.merge(e.getKey(), e.getValue(), Long::sum);
        timedOut++;
      }
    }
    assertTrue(timedOut > 0, "no session timed out: the workload does not exercise timeouts");
    assertEquals(Events.countsPerUser(n, users), perUser, "per-user events (timed-out sessions + open sessions)");
  }

  /**
   * reduceByKeyAndWindow with an inverse function: the counts at each window time t equal the
   * events of the batches in (t - window, t] as recorded in the "events" outputs (those are
   * checked against the ground truth by {@link #generatorEvents}).
   */
  static void windows(Path out, long windowMs, int users) {
    TreeMap<Long, List<String>> events = Outputs.read(out, "events");
    TreeMap<Long, List<String>> windows = Outputs.read(out, "window");
    assertTrue(windows.size() > 5, "too few window outputs: " + windows.keySet());
    for (Map.Entry<Long, List<String>> w : windows.entrySet()) {
      long t = w.getKey();
      Map<Integer, Long> expected = new TreeMap<>();
      for (List<String> b : events.subMap(t - windowMs, false, t, true).values()) {
        for (String e : b) {
          expected.merge(Events.user(Long.parseLong(e), users), 1L, Long::sum);
        }
      }
      assertEquals(expected, JobMain.parseCounts(w.getValue()), "window ending at " + t);
    }
  }

  /**
   * The receiver job's outputs: every record {@code 0..n-1} is present (nothing acknowledged, or
   * even stored, is lost); a record seen more than once belongs to a whole block that the
   * receiver sent again after a crash because it had not acknowledged it, and there are at most
   * {@code crashes} such blocks.
   */
  static void receiverRecords(Path out, long n, int block, int crashes) {
    assertEquals(List.of(), Outputs.mismatches(out), "a replayed batch wrote different output");
    long[] seen = new long[(int) n];
    for (List<String> b : Outputs.read(out, "events").values()) {
      for (String s : b) {
        long id = Long.parseLong(s);
        assertTrue(id >= 0 && id < n, "unknown record " + id);
        seen[(int) id]++;
      }
    }
    int repeatedBlocks = 0;
    for (int start = 0; start < n; start += block) {
      long c = seen[start];
      for (int j = start; j < Math.min(n, start + block); j++) {
        assertTrue(seen[j] >= 1, "record " + j + " was lost");
        assertEquals(c, seen[j], "block at " + start + ": records seen unequally often (not a whole re-sent block)");
      }
      if (c > 1) {
        repeatedBlocks += (int) (c - 1);
      }
    }
    assertTrue(repeatedBlocks <= crashes, repeatedBlocks + " repeated blocks after only " + crashes + " crashes");
  }

  /**
   * Old checkpoints and log segments are really deleted: at most {@code retained + 1} completed
   * checkpoints (one may be mid-retention when a run ends), and each log has few segments.
   */
  static void checkpointDirBounded(Path ckpt, int retained, int maxSegments) {
    List<String> cps = list(ckpt.resolve("checkpoints")).stream().filter(s -> s.matches("checkpoint-\\d{20}")).toList();
    assertTrue(cps.size() <= retained + 1, "completed checkpoints kept: " + cps);
    assertTrue(!cps.isEmpty(), "no checkpoint was written");
    List<Path> logs = new ArrayList<>();
    logs.add(ckpt.resolve("lineage"));
    for (String w : list(ckpt.resolve("wal"))) {
      logs.add(ckpt.resolve("wal").resolve(w));
    }
    for (Path log : logs) {
      List<String> segs = list(log).stream().filter(s -> s.endsWith(".log")).toList();
      assertTrue(segs.size() <= maxSegments, log + " keeps " + segs.size() + " segments: " + segs);
    }
  }

  static List<String> list(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static long sizeOf(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
