package io.uji.state;

import static io.uji.state.TestSerdes.LONG;
import static io.uji.state.TestSerdes.STRING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupWipeAndCopyTest {
  @TempDir Path tmp;

  private StateStoreConfig config(String name) {
    return StateStoreConfig.of(tmp.resolve(name)).withMemoryBudgetBytes(32L << 20);
  }

  private static Map<String, Long> contents(StatePartition<String, Long> p) {
    Map<String, Long> all = new TreeMap<>();
    p.forEach(all::put);
    return all;
  }

  /** Group 0 holds a0..a9, group 1 b0..b9, each key filed in the time index at 100. */
  private static void fill(StateTable<String, Long> table, long value) {
    for (int g = 0; g < 2; g++) {
      StatePartition<String, Long> p = table.partition(g);
      List<String> keys = new java.util.ArrayList<>();
      for (int i = 0; i < 10; i++) {
        String k = (g == 0 ? "a" : "b") + i;
        p.put(k, value);
        keys.add(k);
      }
      p.timeIndex().add(100, keys);
      p.endBatch();
    }
  }

  @Test
  void wipeEmptiesOneGroupOnlyStateAndTimeIndex() {
    try (StateStore store = StateStore.open(config("live"))) {
      StateTable<String, Long> table = store.table("t", STRING, LONG, 2);
      fill(table, 1L);
      table.flush();
      table.wipeGroup(0);
      assertEquals(Map.of(), contents(table.partition(0)));
      assertNull(table.partition(0).get("a1"));
      assertTrue(table.partition(0).timeIndex().pollUpTo(Long.MAX_VALUE).isEmpty());
      assertEquals(10, contents(table.partition(1)).size());
      assertEquals(1, table.partition(1).timeIndex().pollUpTo(Long.MAX_VALUE).size());
    }
  }

  @Test
  void wipeDiscardsDirtyEntriesAndPendingChanges() {
    try (StateStore store = StateStore.open(config("live"))) {
      StateTable<String, Long> table = store.table("t", STRING, LONG, 2);
      table.captureChanges();
      fill(table, 1L);
      table.wipeGroup(0);
      assertEquals(0, table.partition(0).dirtyEntries());
      assertEquals(0, table.partition(0).pendingChanges());
      table.flush();
      assertEquals(Map.of(), contents(table.partition(0)));
    }
  }

  @Test
  void copyGroupFromACheckpointRestoresThatGroupOnly() throws IOException {
    Path cp = tmp.resolve("cp");
    try (StateStore store = StateStore.open(config("live"))) {
      StateTable<String, Long> table = store.table("t", STRING, LONG, 2);
      fill(table, 1L);
      store.checkpoint(cp);
      List<String> filesBefore = files(cp);
      fill(table, 2L); // both groups move on (and file their keys again)
      table.partition(0).put("extra", 5L);
      try (ReadOnlyStateStore source = StateStore.openReadOnly(cp)) {
        assertEquals(java.util.Set.of("t"), source.tableNames());
        long copied = table.copyGroupFrom(source, 0);
        assertEquals(11, copied, "10 state entries and one time index chunk");
      }
      assertEquals(filesBefore, files(cp), "the checkpoint is not modified");
      Map<String, Long> g0 = contents(table.partition(0));
      assertEquals(10, g0.size());
      assertTrue(g0.values().stream().allMatch(v -> v == 1L), g0.toString());
      assertEquals(1L, table.partition(0).get("a3"));
      assertNull(table.partition(0).get("extra"));
      assertEquals(10, table.partition(0).timeIndex().pollUpTo(Long.MAX_VALUE).get(0).keys().size(), "the checkpoint's time index");
      assertTrue(contents(table.partition(1)).values().stream().allMatch(v -> v == 2L), "group 1 untouched");
    }
  }

  @Test
  void copyFromACheckpointWithoutTheTableLeavesTheGroupEmpty() {
    Path cp = tmp.resolve("cp");
    try (StateStore other = StateStore.open(config("other"))) {
      other.table("u", STRING, LONG, 2).partition(0).put("x", 1L);
      other.checkpoint(cp);
    }
    try (StateStore store = StateStore.open(config("live"));
        ReadOnlyStateStore source = StateStore.openReadOnly(cp)) {
      StateTable<String, Long> table = store.table("t", STRING, LONG, 2);
      fill(table, 1L);
      assertEquals(0, table.copyGroupFrom(source, 0));
      assertEquals(Map.of(), contents(table.partition(0)));
    }
  }

  @Test
  void copyFromATableWithAnotherPartitionCountIsRefused() {
    Path cp = tmp.resolve("cp");
    try (StateStore other = StateStore.open(config("other"))) {
      other.table("t", STRING, LONG, 3).partition(0).put("x", 1L);
      other.checkpoint(cp);
    }
    try (StateStore store = StateStore.open(config("live"));
        ReadOnlyStateStore source = StateStore.openReadOnly(cp)) {
      StateTable<String, Long> table = store.table("t", STRING, LONG, 2);
      StateStoreException e = assertThrows(StateStoreException.class, () -> table.copyGroupFrom(source, 0));
      assertTrue(e.getMessage().contains("3 partitions there, 2 here"), e.getMessage());
    }
  }

  @Test
  void openReadOnlyOfADirectoryThatIsNoCheckpointFails() {
    StateStoreException e = assertThrows(StateStoreException.class, () -> StateStore.openReadOnly(tmp.resolve("none")));
    assertTrue(e.getMessage().contains("not a state checkpoint"), e.getMessage());
  }

  private static List<String> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }
}
