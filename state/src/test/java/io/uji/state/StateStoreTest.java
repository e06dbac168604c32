package io.uji.state;

import static io.uji.state.TestSerdes.LONG;
import static io.uji.state.TestSerdes.STRING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {
  @TempDir Path tmp;

  StateStoreConfig config(String name) {
    return StateStoreConfig.of(tmp.resolve(name)).withMemoryBudgetBytes(32L << 20);
  }

  /** @return every (key, state) of {@code table} */
  static Map<String, Long> contents(StateTable<String, Long> table) {
    Map<String, Long> all = new HashMap<>();
    for (int p = 0; p < table.numPartitions(); p++) {
      table.partition(p).forEach(all::put);
    }
    return all;
  }

  @Test
  void valuesSurviveCloseAndReopenAfterFlush() {
    try (StateStore store = StateStore.open(config("live"))) {
      StateTable<String, Long> t = store.table("counts", STRING, LONG, 2);
      t.partition(0).put("a", 1L);
      t.partition(1).put("b", 2L);
      t.flush();
    }
    try (StateStore store = StateStore.open(config("live"))) {
      StateTable<String, Long> t = store.table("counts", STRING, LONG, 2);
      assertEquals(1L, t.partition(0).get("a"));
      assertEquals(2L, t.partition(1).get("b"));
      assertNull(t.partition(0).get("b"));
    }
  }

  @Test
  void unflushedCacheEntriesAreDroppedOnClose() {
    try (StateStore store = StateStore.open(config("live"))) {
      store.table("counts", STRING, LONG, 1).partition(0).put("a", 1L);
    }
    try (StateStore store = StateStore.open(config("live"))) {
      assertNull(store.table("counts", STRING, LONG, 1).partition(0).get("a"));
    }
  }

  @Test
  void restoreGivesExactlyTheCheckpointedContents() {
    Path cp = tmp.resolve("cp/1");
    try (StateStore store = StateStore.open(config("live"))) {
      StateTable<String, Long> t = store.table("counts", STRING, LONG, 4);
      for (int i = 0; i < 1000; i++) {
        t.partition(i % 4).put("k" + i, (long) i);
      }
      t.partition(1).remove("k1");
      store.checkpoint(cp);
      t.partition(0).put("k0", -1L);
      t.partition(2).put("late", 7L);
      t.partition(3).remove("k3");
      store.checkpoint(tmp.resolve("cp/2"));
    }
    try (StateStore store = StateStore.restore(cp, config("live"))) {
      Map<String, Long> got = contents(store.table("counts", STRING, LONG, 4));
      Map<String, Long> expected = new HashMap<>();
      for (int i = 0; i < 1000; i++) {
        expected.put("k" + i, (long) i);
      }
      expected.remove("k1");
      assertEquals(expected, got);
    }
  }

  @Test
  void restoreAfterACrashMidRestoreIgnoresTheLeftoversAndGivesTheCheckpoint() throws IOException {
    Path cp = tmp.resolve("cp");
    try (StateStore store = StateStore.open(config("live"))) {
      store.table("counts", STRING, LONG, 1).partition(0).put("a", 1L);
      store.checkpoint(cp);
    }
    // What a crash leaves at each step of a restore: a half-built copy, the old live directory
    // moved aside, and no live directory at all.
    Path live = config("live").dir();
    Files.createDirectories(live.resolveSibling(live.getFileName() + ".restoring")).resolve("000009.sst").toFile()
        .createNewFile();
    Files.move(live, live.resolveSibling(live.getFileName() + ".old"));
    try (StateStore store = StateStore.restore(cp, config("live"))) {
      assertEquals(Map.of("a", 1L), contents(store.table("counts", STRING, LONG, 1)));
    }
    assertFalse(Files.exists(live.resolveSibling(live.getFileName() + ".restoring")));
    assertFalse(Files.exists(live.resolveSibling(live.getFileName() + ".old")));
  }

  @Test
  void restoreDoesNotModifyTheCheckpointAndCanBeRepeated() throws Exception {
    Path cp = tmp.resolve("cp");
    try (StateStore store = StateStore.open(config("live"))) {
      StateTable<String, Long> t = store.table("counts", STRING, LONG, 1);
      for (int i = 0; i < 10_000; i++) {
        t.partition(0).put("k" + i, (long) i);
      }
      store.checkpoint(cp);
    }
    Map<String, String> before = digest(cp);
    for (int round = 0; round < 2; round++) {
      try (StateStore store = StateStore.restore(cp, config("live"))) {
        StateTable<String, Long> t = store.table("counts", STRING, LONG, 1);
        assertEquals(10_000, contents(t).size());
        for (int i = 0; i < 10_000; i++) {
          t.partition(0).put("k" + i, -1L); // overwrite all, then compact: files change
        }
        store.checkpoint(tmp.resolve("later" + round));
      }
    }
    assertEquals(before, digest(cp));
  }

  private static Map<String, String> digest(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        try {
          MessageDigest md = MessageDigest.getInstance("SHA-256");
          out.put(f.getFileName().toString(), HexFormat.of().formatHex(md.digest(Files.readAllBytes(f))));
        } catch (java.security.NoSuchAlgorithmException e) {
          throw new AssertionError(e);
        }
      }
    }
    return out;
  }

  @Test
  void tableNamesListsTablesCreatedBeforeReopen() {
    try (StateStore store = StateStore.open(config("live"))) {
      store.table("a", STRING, LONG, 1);
      store.table("b", STRING, LONG, 3);
      assertEquals(Set.of("a", "b"), store.tableNames());
    }
    try (StateStore store = StateStore.open(config("live"))) {
      assertEquals(Set.of("a", "b"), store.tableNames());
    }
  }

  @Test
  void reopeningATableWithAnotherNumberOfPartitionsFailsNamingTheTable() {
    try (StateStore store = StateStore.open(config("live"))) {
      store.table("sessions", STRING, LONG, 4);
    }
    try (StateStore store = StateStore.open(config("live"))) {
      StateStoreException e = assertThrows(StateStoreException.class,
          () -> store.table("sessions", STRING, LONG, 8));
      assertTrue(e.getMessage().contains("'sessions'"), e.getMessage());
      assertTrue(e.getMessage().contains("4 partitions"), e.getMessage());
    }
  }

  @Test
  void useAfterCloseThrowsStateStoreClosedExceptionNamingTheStore() {
    StateStore store = StateStore.open(config("live"));
    StateTable<String, Long> t = store.table("counts", STRING, LONG, 1);
    StatePartition<String, Long> p = t.partition(0);
    store.close();
    StateStoreClosedException e = assertThrows(StateStoreClosedException.class, () -> p.get("a"));
    assertTrue(e.getMessage().contains(tmp.resolve("live").toString()), e.getMessage());
    assertThrows(StateStoreClosedException.class, () -> p.put("a", 1L));
    assertThrows(StateStoreClosedException.class, () -> p.getAll(java.util.List.of("a"), new java.util.ArrayList<>()));
    assertThrows(StateStoreClosedException.class, p::flush);
    assertThrows(StateStoreClosedException.class, () -> p.timeIndex().pollUpTo(1));
    assertThrows(StateStoreClosedException.class, () -> t.partition(0));
    assertThrows(StateStoreClosedException.class, () -> store.table("x", STRING, LONG, 1));
    assertThrows(StateStoreClosedException.class, () -> store.checkpoint(tmp.resolve("cp")));
    assertThrows(StateStoreClosedException.class, store::nativeMemoryUsage);
  }

  @Test
  void closingTwiceIsHarmless() {
    StateStore store = StateStore.open(config("live"));
    store.close();
    store.close();
  }

  @Test
  void openingADirectoryOpenInThisProcessFailsNamingStoreAndOperation() {
    try (StateStore store = StateStore.open(config("live"))) {
      StateStoreException e = assertThrows(StateStoreException.class, () -> StateStore.open(config("live")));
      assertTrue(e.getMessage().startsWith("Error opening state store " + tmp.resolve("live")), e.getMessage());
      assertTrue(e.getCause() instanceof org.rocksdb.RocksDBException, String.valueOf(e.getCause()));
    }
  }

  @Test
  void openingAFileFailsNamingStoreAndOperation() throws IOException {
    Files.writeString(tmp.resolve("file"), "x");
    StateStoreException e = assertThrows(StateStoreException.class, () -> StateStore.open(config("file")));
    assertTrue(e.getMessage().startsWith("Error opening state store " + tmp.resolve("file")), e.getMessage());
  }

  @Test
  void checkpointIntoAnExistingDirectoryFails() throws IOException {
    Files.createDirectories(tmp.resolve("cp"));
    try (StateStore store = StateStore.open(config("live"))) {
      StateStoreException e = assertThrows(StateStoreException.class, () -> store.checkpoint(tmp.resolve("cp")));
      assertTrue(e.getMessage().contains("target exists"), e.getMessage());
    }
  }

  @Test
  void restoreRefusesToDeleteADirectoryThatIsNotADatabase() throws IOException {
    Path cp = tmp.resolve("cp");
    try (StateStore store = StateStore.open(config("live"))) {
      store.checkpoint(cp);
    }
    Files.createDirectories(tmp.resolve("precious"));
    Files.writeString(tmp.resolve("precious/notes.txt"), "keep me");
    assertThrows(StateStoreException.class, () -> StateStore.restore(cp, config("precious")));
    assertTrue(Files.exists(tmp.resolve("precious/notes.txt")));
  }

  @Test
  void restoreFromADirectoryThatIsNotACheckpointFails() {
    StateStoreException e = assertThrows(StateStoreException.class,
        () -> StateStore.restore(tmp.resolve("nothing"), config("live")));
    assertTrue(e.getMessage().contains("not a state checkpoint"), e.getMessage());
  }

  @Test
  void invalidTableIdsAndDuplicateOpensAreRejected() {
    try (StateStore store = StateStore.open(config("live"))) {
      assertThrows(IllegalArgumentException.class, () -> store.table("x.timeouts", STRING, LONG, 1));
      assertThrows(IllegalArgumentException.class, () -> store.table("uji.meta", STRING, LONG, 1));
      assertThrows(IllegalArgumentException.class, () -> store.table("t", STRING, LONG, 0));
      store.table("t", STRING, LONG, 1);
      assertThrows(IllegalStateException.class, () -> store.table("t", STRING, LONG, 1));
    }
  }
}
