package io.uji.state;

import static io.uji.state.TestSerdes.LONG;
import static io.uji.state.TestSerdes.STRING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApplyRawTest {
  @TempDir Path tmp;

  private StateStoreConfig config() {
    return StateStoreConfig.of(tmp.resolve("live")).withMemoryBudgetBytes(32L << 20);
  }

  private static byte[] key(int group, String k) {
    return KeyLayout.stateKey(group, STRING.toBytes(k));
  }

  @Test
  void rawPutsAndRemovalsAreReadBackAndLaterOnesWin() {
    try (StateStore store = StateStore.open(config())) {
      StateTable<String, Long> table = store.table("t", STRING, LONG, 2);
      RawChunk chunk = new RawChunk(4);
      chunk.add(key(1, "a"), LONG.toBytes(1L));
      chunk.add(key(1, "b"), LONG.toBytes(2L));
      chunk.add(key(1, "a"), LONG.toBytes(3L));
      chunk.add(key(1, "b"), null);
      table.applyRaw(1, chunk);
      StatePartition<String, Long> p = table.partition(1);
      assertEquals(3L, p.get("a")); // the fresh table's empty cache must not answer "absent"
      assertNull(p.get("b"));
      List<Long> out = new ArrayList<>();
      p.getAll(List.of("a", "b"), out);
      assertEquals(java.util.Arrays.asList(3L, null), out);
      assertNull(table.partition(0).get("a"), "other groups untouched");
    }
  }

  @Test
  void rawChangesReplaceWhatTheCacheHeld() {
    try (StateStore store = StateStore.open(config())) {
      StateTable<String, Long> table = store.table("t", STRING, LONG, 1);
      StatePartition<String, Long> p = table.partition(0);
      p.put("a", 1L);
      p.flush();
      assertEquals(1L, p.get("a")); // cached
      RawChunk chunk = new RawChunk(1);
      chunk.add(key(0, "a"), LONG.toBytes(9L));
      table.applyRaw(0, chunk);
      assertEquals(9L, p.get("a"));
    }
  }

  @Test
  void rawChangesSurviveACheckpointAndRestore() {
    Path cp = tmp.resolve("cp");
    try (StateStore store = StateStore.open(config())) {
      StateTable<String, Long> table = store.table("t", STRING, LONG, 1);
      RawChunk chunk = new RawChunk(SerializedEntries.WRITE_CHUNK + 10);
      for (int i = 0; i < SerializedEntries.WRITE_CHUNK + 10; i++) { // more than one write batch
        chunk.add(key(0, "k" + i), LONG.toBytes((long) i));
      }
      table.applyRaw(0, chunk);
      store.checkpoint(cp);
    }
    try (StateStore store = StateStore.restore(cp, config().withDir(tmp.resolve("restored")))) {
      StatePartition<String, Long> p = store.table("t", STRING, LONG, 1).partition(0);
      assertEquals(0L, p.get("k0"));
      assertEquals((long) SerializedEntries.WRITE_CHUNK + 9, p.get("k" + (SerializedEntries.WRITE_CHUNK + 9)));
    }
  }

  @Test
  void aKeyOfAnotherGroupIsRefused() {
    try (StateStore store = StateStore.open(config())) {
      StateTable<String, Long> table = store.table("t", STRING, LONG, 2);
      RawChunk chunk = new RawChunk(1);
      chunk.add(key(0, "a"), LONG.toBytes(1L));
      assertThrows(IllegalArgumentException.class, () -> table.applyRaw(1, chunk));
    }
  }

  @Test
  void aGroupWithDirtyEntriesIsRefused() {
    try (StateStore store = StateStore.open(config())) {
      StateTable<String, Long> table = store.table("t", STRING, LONG, 1);
      table.partition(0).put("a", 1L);
      RawChunk chunk = new RawChunk(1);
      chunk.add(key(0, "b"), LONG.toBytes(1L));
      assertThrows(IllegalStateException.class, () -> table.applyRaw(0, chunk));
    }
  }

  @Test
  void filedKeysEnterTheTimeIndexAsAddWouldFileThem() {
    try (StateStore store = StateStore.open(config())) {
      StateTable<String, Long> table = store.table("t", STRING, LONG, 2);
      RawChunk chunk = new RawChunk(3);
      chunk.add(key(1, "a"), LONG.toBytes(1L), 200);
      chunk.add(key(1, "b"), LONG.toBytes(2L), 100);
      chunk.add(key(1, "c"), LONG.toBytes(3L), RawChunk.NOT_FILED);
      chunk.add(key(1, "d"), LONG.toBytes(4L), 200);
      table.applyRaw(1, chunk);
      TimeIndex<String> index = table.partition(1).timeIndex();
      index.add(200, List.of("e")); // after the restored ones, in the same bucket
      List<TimeIndex.Bucket<String>> buckets = index.pollUpTo(Long.MAX_VALUE);
      assertEquals(List.of(new TimeIndex.Bucket<>(100, List.of("b")), new TimeIndex.Bucket<>(200, List.of("a", "d", "e"))),
          buckets);
    }
  }
}
