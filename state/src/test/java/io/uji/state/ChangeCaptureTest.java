package io.uji.state;

import static io.uji.state.TestSerdes.LONG;
import static io.uji.state.TestSerdes.STRING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The changes a batch captures ({@link StatePartition#drainChanges}) are exactly what a
 * changelog needs: applied in order to an empty table they rebuild the table, whatever the cache
 * did meanwhile (evictions, flushes, checkpoints, complete caches dropping removals).
 */
class ChangeCaptureTest {
  private static final int GROUPS = 4;
  @TempDir Path tmp;

  private StateStoreConfig config(String name, long cacheEntries) {
    return StateStoreConfig.of(tmp.resolve(name)).withMemoryBudgetBytes(32L << 20).withCacheEntriesPerTable(cacheEntries);
  }

  /** One captured change, decoded. */
  private record Change(int group, byte[] key, byte[] value) {
    String userKey() {
      assertEquals(group, ((key[0] & 0xFF) << 8) | (key[1] & 0xFF), "the key's prefix is its group");
      return STRING.fromBytes(Arrays.copyOfRange(key, 2, key.length));
    }

    Long state() {
      return value == null ? null : LONG.fromBytes(value);
    }
  }

  private static List<Change> drain(StateTable<String, Long> table) {
    List<Change> out = new ArrayList<>();
    for (int g = 0; g < GROUPS; g++) {
      table.drainChanges(g, (group, key, value) -> out.add(new Change(group, key, value)));
    }
    return out;
  }

  private static Map<String, Long> contents(StateTable<String, Long> table) {
    Map<String, Long> all = new HashMap<>();
    for (int g = 0; g < GROUPS; g++) {
      table.partition(g).forEach((k, v) -> assertNull(all.put(k, v), "key seen twice: " + k));
    }
    return all;
  }

  private static int groupOf(String key) {
    return Math.floorMod(key.hashCode(), GROUPS);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
  void capturedChangesAppliedToAnEmptyTableRebuildTheTable(long seed) {
    Random rnd = new Random(seed);
    // A cache far smaller than the keys in some seeds (evictions within the run), ample in others.
    long cacheEntries = rnd.nextBoolean() ? 4L * GROUPS : 1L << 12;
    Map<String, Long> model = new HashMap<>();
    Map<String, Long> replica = new HashMap<>();
    List<Change> changelog = new ArrayList<>();
    int keySpace = 20 + rnd.nextInt(200);
    try (StateStore store = StateStore.open(config("live", cacheEntries))) {
      StateTable<String, Long> table = store.table("t", STRING, LONG, GROUPS);
      table.captureChanges();
      int batches = 10 + rnd.nextInt(30);
      for (int b = 0; b < batches; b++) {
        Map<String, Long> before = new HashMap<>(model);
        Set<String> written = new HashSet<>();
        for (int g = 0; g < GROUPS; g++) {
          runBatch(rnd, table.partition(g), g, keySpace, model, written);
        }
        for (int g = 0; g < GROUPS; g++) {
          table.partition(g).endBatch();
        }
        switch (rnd.nextInt(5)) {
          case 0 -> table.flush();
          case 1 -> store.checkpoint(tmp.resolve("cp-" + seed + "-" + b));
          default -> { }
        }
        List<Change> changes = drain(table);
        Set<String> changedKeys = new HashSet<>();
        for (Change c : changes) {
          String k = c.userKey();
          changedKeys.add(k);
          assertTrue(written.contains(k), "only keys the batch wrote are changes: " + k);
          if (c.state() == null) {
            replica.remove(k);
          } else {
            replica.put(k, c.state());
          }
        }
        for (String k : written) {
          if (!java.util.Objects.equals(before.get(k), model.get(k))) {
            assertTrue(changedKeys.contains(k), "a key whose state changed is captured: " + k + " batch " + b);
          }
        }
        assertEquals(model, replica, "seed " + seed + " batch " + b);
        assertEquals(0, drain(table).size(), "a drain forgets what it handed out");
        changelog.addAll(changes);
      }
      assertEquals(model, contents(table), "the table itself");
    }
    try (StateStore copy = StateStore.open(config("copy", cacheEntries))) {
      StateTable<String, Long> table = copy.table("t", STRING, LONG, GROUPS);
      for (int g = 0; g < GROUPS; g++) {
        RawChunk chunk = new RawChunk(16);
        for (Change c : changelog) {
          if (c.group() == g) {
            chunk.add(c.key(), c.value());
          }
        }
        table.applyRaw(g, chunk);
      }
      assertEquals(model, contents(table), "the changelog applied raw to an empty table, seed " + seed);
      for (String k : model.keySet()) {
        assertEquals(model.get(k), table.partition(groupOf(k)).get(k));
      }
    }
  }

  /** A mix of the calls the engine's stateful operators make, mirrored in {@code model}. */
  private static void runBatch(Random rnd, StatePartition<String, Long> p, int g, int keySpace,
      Map<String, Long> model, Set<String> written) {
    int mode = rnd.nextInt(4);
    if (mode == 0) {
      // mapWithState's shape: getAll of the batch's keys, then putAt/removeAt by position
      List<String> keys = new ArrayList<>();
      for (int i = rnd.nextInt(30); i > 0; i--) {
        String k = keyOfGroup(rnd, g, keySpace);
        if (!keys.contains(k)) {
          keys.add(k);
        }
      }
      List<Long> values = new ArrayList<>();
      p.getAll(keys, values);
      for (int i = 0; i < keys.size(); i++) {
        String k = keys.get(i);
        Long old = values.get(i);
        assertEquals(model.get(k), old);
        written.add(k);
        int r = rnd.nextInt(4);
        if (r == 0) {
          p.removeAt(i);
          model.remove(k);
        } else {
          long v = old == null ? 1 : r == 1 ? old : old + 1; // r == 1: the same bytes again
          p.putAt(i, v);
          model.put(k, v);
        }
      }
    } else if (mode == 1) {
      // updateStateByKey's shape: a pass over every key, most states rewritten unchanged
      List<String> seen = new ArrayList<>();
      long expected = model.keySet().stream().filter(k -> groupOf(k) == g).count();
      p.forEach((k, v) -> {
        seen.add(k);
        int r = rnd.nextInt(10);
        written.add(k);
        if (r == 0) {
          p.remove(k);
          model.remove(k);
        } else if (r < 3) {
          p.put(k, v + 1);
          model.put(k, v + 1);
        } else {
          p.put(k, v); // the same bytes: no change
        }
      });
      assertEquals(expected, seen.size(), "forEach visits every key of the group once");
    } else {
      for (int i = rnd.nextInt(30); i > 0; i--) {
        String k = keyOfGroup(rnd, g, keySpace);
        written.add(k);
        int r = rnd.nextInt(4);
        if (r == 0) {
          p.remove(k);
          model.remove(k);
        } else if (r == 1) {
          assertEquals(model.get(k), p.get(k));
        } else {
          long v = rnd.nextInt(5);
          p.put(k, v);
          model.put(k, v);
        }
      }
    }
  }

  private static String keyOfGroup(Random rnd, int g, int keySpace) {
    while (true) {
      String k = "k" + rnd.nextInt(keySpace);
      if (groupOf(k) == g) {
        return k;
      }
    }
  }

  private static Map<String, Long> drainedAsMap(StateTable<String, Long> table) {
    Map<String, Long> out = new HashMap<>();
    for (Change c : drain(table)) {
      out.put(c.userKey(), c.state());
    }
    return out;
  }

  @Test
  void aRemovalFlushedFromACompleteCacheIsStillCaptured() {
    try (StateStore store = StateStore.open(config("live", 1 << 12))) {
      StateTable<String, Long> table = store.table("t", STRING, LONG, GROUPS);
      table.captureChanges();
      StatePartition<String, Long> p = table.partition(groupOf("a"));
      p.put("a", 1L);
      p.endBatch();
      drain(table);
      p.remove("a");
      p.endBatch();
      table.flush(); // the fresh table's cache is complete: the written removal leaves the cache
      Map<String, Long> expected = new HashMap<>();
      expected.put("a", null);
      assertEquals(expected, drainedAsMap(table));
    }
  }

  @Test
  void aChangeEvictedBeforeTheDrainIsCaptured() {
    try (StateStore store = StateStore.open(config("live", GROUPS))) { // one entry per partition
      StateTable<String, Long> table = store.table("t", STRING, LONG, GROUPS);
      table.captureChanges();
      int g = groupOf("k1");
      StatePartition<String, Long> p = table.partition(g);
      Map<String, Long> expected = new HashMap<>();
      for (int i = 0; i < 50; i++) {
        String k = keyOfGroup(new Random(i), g, 1000);
        p.put(k, (long) i);
        expected.put(k, (long) i);
      }
      p.endBatch(); // evicts all but a few
      assertTrue(p.cachedEntries() < expected.size());
      assertEquals(expected, drainedAsMap(table));
    }
  }

  @Test
  void writingTheSameStateAgainIsNoChange() {
    try (StateStore store = StateStore.open(config("live", 1 << 12))) {
      StateTable<String, Long> table = store.table("t", STRING, LONG, GROUPS);
      table.captureChanges();
      StatePartition<String, Long> p = table.partition(groupOf("a"));
      p.put("a", 7L);
      p.endBatch();
      assertEquals(1, drain(table).size());
      p.put("a", 7L);
      p.endBatch();
      assertEquals(0, p.pendingChanges());
      assertEquals(0, drain(table).size());
    }
  }

  @Test
  void nothingIsCapturedUnlessCaptureIsOn() {
    try (StateStore store = StateStore.open(config("live", 1 << 12))) {
      StateTable<String, Long> table = store.table("t", STRING, LONG, GROUPS);
      table.partition(groupOf("a")).put("a", 7L);
      assertEquals(0, drain(table).size());
    }
  }

  @Test
  void discardedChangesAreNotDrainedButTheStateStays() {
    try (StateStore store = StateStore.open(config("live", 1 << 12))) {
      StateTable<String, Long> table = store.table("t", STRING, LONG, GROUPS);
      table.captureChanges();
      StatePartition<String, Long> p = table.partition(groupOf("a"));
      p.put("a", 7L);
      p.discardChanges();
      assertEquals(0, drain(table).size());
      assertEquals(7L, p.get("a"));
    }
  }
}
