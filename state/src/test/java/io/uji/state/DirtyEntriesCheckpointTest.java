package io.uji.state;

import static io.uji.state.TestSerdes.LONG;
import static io.uji.state.TestSerdes.STRING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint keeps the dirty entries of a partition that were mostly written since the last
 * checkpoint beside RocksDB's copy ({@link DirtyEntriesFile}) and leaves them dirty; restoring it,
 * or copying a group from it, applies them over RocksDB's copy, so the state is exactly the
 * captured one either way.
 */
class DirtyEntriesCheckpointTest {
  @TempDir Path tmp;

  private StateStoreConfig config(String name) {
    return StateStoreConfig.of(tmp.resolve(name)).withMemoryBudgetBytes(32L << 20);
  }

  private static boolean hasDirtyEntriesFile(Path checkpoint) {
    return Files.exists(checkpoint.resolve(DirtyEntriesFile.NAME));
  }

  @Test
  void checkpointsOfFreshEntriesKeepThemBesideRocksDbAndRestoreExactlyOverManyRounds() {
    Random random = new Random(17);
    Map<String, Long> model = new HashMap<>();
    try (StateStore store = StateStore.open(config("live"))) {
      StateTable<String, Long> t = store.table("counts", STRING, LONG, 4);
      for (int round = 0; round < 6; round++) {
        for (int i = 0; i < 3000; i++) {
          String k = "k" + random.nextInt(2000);
          StatePartition<String, Long> p = t.partition(Math.floorMod(k.hashCode(), 4));
          if (random.nextInt(10) == 0) {
            p.remove(k);
            model.remove(k);
          } else {
            long v = random.nextLong();
            p.put(k, v);
            model.put(k, v);
          }
        }
        if (round == 2) {
          t.flush(); // some removals then delete keys that RocksDB's copy has
        }
        Path cp = tmp.resolve("cp" + round);
        long sequence = store.checkpoint(cp);
        if (round != 2) {
          assertTrue(hasDirtyEntriesFile(cp), "round " + round + ": entries kept beside RocksDB's copy");
        }
        try (StateStore restored = StateStore.restore(cp, config("restored" + round))) {
          assertEquals(sequence, restored.restoredSequenceNumber());
          assertEquals(model, StateStoreTest.contents(restored.table("counts", STRING, LONG, 4)), "round " + round);
          assertFalse(Files.exists(tmp.resolve("restored" + round).resolve(DirtyEntriesFile.NAME)),
              "the file is applied, then deleted from the live directory");
        }
        assertTrue(hasDirtyEntriesFile(cp) || round == 2, "the checkpoint is not modified by a restore");
      }
      assertEquals(model, StateStoreTest.contents(t));
    }
  }

  @Test
  void oldDirtyEntriesPilingUpAreWrittenIntoRocksDbByTheNextCheckpoint() {
    try (StateStore store = StateStore.open(config("live"))) {
      StateTable<String, Long> t = store.table("counts", STRING, LONG, 1);
      for (int i = 0; i < 1000; i++) {
        t.partition(0).put("k" + i, (long) i);
      }
      store.checkpoint(tmp.resolve("cp1"));
      assertTrue(hasDirtyEntriesFile(tmp.resolve("cp1")));
      for (int i = 0; i < 10; i++) {
        t.partition(0).put("k" + i, -1L);
      }
      // 1000 dirty entries, 10 written since the last checkpoint: copying them all again would
      // cost 100 times what changed, so this checkpoint writes them into RocksDB.
      store.checkpoint(tmp.resolve("cp2"));
      assertFalse(hasDirtyEntriesFile(tmp.resolve("cp2")));
      try (StateStore restored = StateStore.restore(tmp.resolve("cp2"), config("restored"))) {
        Map<String, Long> got = StateStoreTest.contents(restored.table("counts", STRING, LONG, 1));
        assertEquals(1000, got.size());
        assertEquals(-1L, got.get("k3"));
        assertEquals(500L, got.get("k500"));
      }
    }
  }

  private Path checkpointWithDirtyEntries() {
    try (StateStore store = StateStore.open(config("live"))) {
      StateTable<String, Long> t = store.table("counts", STRING, LONG, 1);
      for (int i = 0; i < 100; i++) {
        t.partition(0).put("k" + i, (long) i);
      }
      store.checkpoint(tmp.resolve("cp"));
    }
    assertTrue(hasDirtyEntriesFile(tmp.resolve("cp")));
    return tmp.resolve("cp");
  }

  @Test
  void aDirtyEntriesFileOfAnotherFormatVersionIsRefusedByName() throws IOException {
    Path file = checkpointWithDirtyEntries().resolve(DirtyEntriesFile.NAME);
    byte[] b = Files.readAllBytes(file);
    b[11] = 9; // the version's low byte, after the 8-byte magic
    Files.write(file, b);
    StateStoreException e = assertThrows(StateStoreException.class,
        () -> StateStore.restore(tmp.resolve("cp"), config("restored")).close());
    assertTrue(e.getMessage().contains("format version 9, this version of Uji reads version 1"), e.getMessage());
  }

  @Test
  void aDamagedDirtyEntriesFileIsRefused() throws IOException {
    Path file = checkpointWithDirtyEntries().resolve(DirtyEntriesFile.NAME);
    byte[] b = Files.readAllBytes(file);
    b[b.length / 2] ^= 0x40;
    Files.write(file, b);
    StateStoreException e = assertThrows(StateStoreException.class,
        () -> StateStore.restore(tmp.resolve("cp"), config("restored")).close());
    assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
  }

  @Test
  void copyGroupFromACheckpointAppliesItsDirtyEntriesOfThatGroupOnly() {
    try (StateStore store = StateStore.open(config("live"))) {
      StateTable<String, Long> t = store.table("counts", STRING, LONG, 2);
      t.partition(0).put("a", 1L);
      t.partition(1).put("b", 2L);
      t.flush();
      t.partition(0).put("a", 10L); // in the file only
      t.partition(0).put("c", 30L);
      t.partition(1).put("b", 20L);
      store.checkpoint(tmp.resolve("cp"));
      assertTrue(hasDirtyEntriesFile(tmp.resolve("cp")));
      t.partition(0).put("a", 100L);
      t.partition(0).remove("c");
      t.partition(1).put("b", 200L);
      try (ReadOnlyStateStore source = StateStore.openReadOnly(tmp.resolve("cp"))) {
        t.copyGroupFrom(source, 0);
      }
      assertEquals(Map.of("a", 10L, "c", 30L, "b", 200L), StateStoreTest.contents(t));
    }
  }
}
