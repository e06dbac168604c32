package io.uji.state;

import static io.uji.state.TestSerdes.LONG;
import static io.uji.state.TestSerdes.STRING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A renamed stateful operator keeps its state under its new id; a dropped one loses it. */
class StateStoreRenameTest {
  private static final int ENTRIES = 70_000; // more than two copy batches

  @TempDir Path tmp;

  private StateStoreConfig config() {
    return StateStoreConfig.of(tmp.resolve("live")).withMemoryBudgetBytes(32L << 20);
  }

  /** Writes "old" with 2 partitions, entries and time index buckets, and closes the store. */
  private Map<String, Long> writeOld() {
    Map<String, Long> model = new HashMap<>();
    try (StateStore store = StateStore.open(config())) {
      StateTable<String, Long> t = store.table("old", STRING, LONG, 2);
      for (int i = 0; i < ENTRIES; i++) {
        t.partition(i % 2).put("k" + i, (long) i);
        model.put("k" + i, (long) i);
      }
      t.partition(1).timeIndex().add(10, List.of("k1", "k3"));
      t.flush();
    }
    return model;
  }

  private static Map<String, Long> contents(StateTable<String, Long> t) {
    return StateStoreTest.contents(t);
  }

  @Test
  void aRenamedTableHasEveryEntryAndTimeoutUnderItsNewIdAcrossReopens() {
    Map<String, Long> model = writeOld();
    try (StateStore store = StateStore.open(config())) {
      store.renameTable("old", "new");
      assertEquals(Set.of("new"), store.tableNames());
      StateTable<String, Long> t = store.table("new", STRING, LONG, 2);
      assertEquals(model, contents(t));
      assertEquals(List.of(new TimeIndex.Bucket<>(10, List.of("k1", "k3"))),
          t.partition(1).timeIndex().pollUpTo(100));
    }
    try (StateStore store = StateStore.open(config())) {
      assertEquals(Set.of("new"), store.tableNames());
      assertEquals(model, contents(store.table("new", STRING, LONG, 2)));
      assertEquals(Map.of(), contents(store.table("old", STRING, LONG, 2)), "the old id starts afresh");
    }
  }

  @Test
  void aRenamedTableKeepsItsNumberOfPartitions() {
    writeOld();
    try (StateStore store = StateStore.open(config())) {
      store.renameTable("old", "new");
      assertThrows(StateStoreException.class, () -> store.table("new", STRING, LONG, 3));
    }
  }

  @Test
  void renamingToAnExistingOrFromAMissingOrOpenTableIsRefused() {
    writeOld();
    try (StateStore store = StateStore.open(config())) {
      store.table("other", STRING, LONG, 1);
      assertThrows(IllegalStateException.class, () -> store.renameTable("old", "other"));
      assertThrows(IllegalStateException.class, () -> store.renameTable("missing", "new"));
      assertThrows(IllegalStateException.class, () -> store.renameTable("other", "new"));
      assertThrows(IllegalArgumentException.class, () -> store.renameTable("old", "uji.meta"));
    }
  }

  @Test
  void aDroppedTableIsGoneAcrossReopens() {
    writeOld();
    try (StateStore store = StateStore.open(config())) {
      store.dropTable("old");
      store.dropTable("never-was");
      assertEquals(Set.of(), store.tableNames());
    }
    try (StateStore store = StateStore.open(config())) {
      assertEquals(Set.of(), store.tableNames());
      assertEquals(Map.of(), contents(store.table("old", STRING, LONG, 5)), "a new table, any partitions");
    }
  }
}
