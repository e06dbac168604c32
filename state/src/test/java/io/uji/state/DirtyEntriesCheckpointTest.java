package io.uji.state;

import static io.uji.state.TestSerdes.LONG;
import static io.uji.state.TestSerdes.STRING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint keeps the dirty entries of a partition that were mostly written since the last
 * checkpoint beside RocksDB's copy ({@link DirtyEntriesFile}) and leaves them dirty; restoring it,
 * or copying a group from it, applies them over RocksDB's copy, so the state is exactly the
 * captured one either way.
 */
class DirtyEntriesCheckpointTest {
  @TempDir Path tmp;

  StateStoreConfig config(String name) {
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
      StateTable<String, Long> t = store.table("counts", STRING, LONG, 2);
      for (int round = 0; round < 6; round++) {
        for (int i = 0; i < 12000; i++) {
          String k = "k" + random.nextInt(5000);
          StatePartition<String, Long> p = t.partition(Math.floorMod(k.hashCode(), 2));
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
          assertEquals(model, StateStoreTest.contents(restored.table("counts", STRING, LONG, 2)), "round " + round);
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
      for (int i = 0; i < 5000; i++) {
        t.partition(0).put("k" + i, (long) i);
      }
      store.checkpoint(tmp.resolve("cp1"));
      assertTrue(hasDirtyEntriesFile(tmp.resolve("cp1")));
      for (int i = 0; i < 50; i++) {
        t.partition(0).put("k" + i, -1L);
      }
      // 5000 dirty entries, 50 written since the last checkpoint: copying them all again would
      // cost 100 times what changed, so this checkpoint writes them into RocksDB.
      store.checkpoint(tmp.resolve("cp2"));
      assertFalse(hasDirtyEntriesFile(tmp.resolve("cp2")));
      try (StateStore restored = StateStore.restore(tmp.resolve("cp2"), config("restored"))) {
        Map<String, Long> got = StateStoreTest.contents(restored.table("counts", STRING, LONG, 1));
        assertEquals(5000, got.size());
        assertEquals(-1L, got.get("k3"));
        assertEquals(500L, got.get("k500"));
      }
    }
  }

  private Path checkpointWithDirtyEntries() {
    try (StateStore store = StateStore.open(config("live"))) {
      StateTable<String, Long> t = store.table("counts", STRING, LONG, 1);
      for (int i = 0; i < 2000; i++) {
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

  private static int crc32c(byte[] b) {
    CRC32C c = new CRC32C();
    c.update(b);
    return (int) c.getValue();
  }

  /**
   * The restore reads the file once, checking it against the checksum the checkpoint recorded
   * as it reads: damage anywhere in it, its last byte included, or a cut tail is refused as
   * damage naming the file (the caller then falls back to an older checkpoint).
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"a byte in the middle", "the last byte", "the tail cut"})
  void damageAgainstTheRecordedChecksumIsFoundInTheOnePassAndNamesTheFile(String where) throws IOException {
    Path file = checkpointWithDirtyEntries().resolve(DirtyEntriesFile.NAME);
    byte[] b = Files.readAllBytes(file);
    int recorded = crc32c(b);
    switch (where) {
      case "a byte in the middle" -> b[b.length / 2] ^= 0x40;
      case "the last byte" -> b[b.length - 1] ^= 0x01;
      default -> b = Arrays.copyOf(b, b.length - 100);
    }
    Files.write(file, b);
    StateFileDamagedException e = assertThrows(StateFileDamagedException.class,
        () -> StateStore.restore(tmp.resolve("cp"), config("restored"), StateStore.RestoredEntries.INTO_CACHE,
            OptionalInt.of(recorded)).close());
    assertEquals(file, e.file());
    assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("CRC32C"), e.getMessage());
  }

  /**
   * A file consistent in itself (its own CRC32 recomputed over a changed value) but not the one
   * the checkpoint recorded: only the recorded checksum, checked in the same pass, can tell.
   */
  @Test
  void aSelfConsistentFileOtherThanTheRecordedOneIsRefused() throws IOException {
    Path file = checkpointWithDirtyEntries().resolve(DirtyEntriesFile.NAME);
    byte[] b = Files.readAllBytes(file);
    int recorded = crc32c(b);
    b[b.length - 5] ^= 0x01; // the last entry's last value byte
    CRC32 own = new CRC32();
    own.update(b, 0, b.length - 4);
    ByteBuffer.wrap(b, b.length - 4, 4).putInt((int) own.getValue());
    Files.write(file, b);
    StateStore.restore(tmp.resolve("cp"), config("unchecked")).close(); // its own checksum is right
    StateFileDamagedException e = assertThrows(StateFileDamagedException.class,
        () -> StateStore.restore(tmp.resolve("cp"), config("restored"), StateStore.RestoredEntries.INTO_CACHE,
            OptionalInt.of(recorded)).close());
    assertEquals(file, e.file());
  }

  @Test
  void anIntactFileMatchingTheRecordedChecksumRestoresExactly() throws IOException {
    Path cp = checkpointWithDirtyEntries();
    int recorded = crc32c(Files.readAllBytes(cp.resolve(DirtyEntriesFile.NAME)));
    Map<String, Long> expected;
    try (StateStore store = StateStore.restore(cp, config("plain"))) {
      expected = StateStoreTest.contents(store.table("counts", STRING, LONG, 1));
    }
    try (StateStore store = StateStore.restore(cp, config("checked"), StateStore.RestoredEntries.INTO_CACHE,
        OptionalInt.of(recorded))) {
      assertEquals(2000, expected.size());
      assertEquals(expected, StateStoreTest.contents(store.table("counts", STRING, LONG, 1)));
    }
  }

  @Test
  void aSmallDirtySetIsWrittenIntoRocksDb() {
    try (StateStore store = StateStore.open(config("live"))) {
      StateTable<String, Long> t = store.table("counts", STRING, LONG, 1);
      for (int i = 0; i < StatePartition.MIN_DIRTY_TO_KEEP - 1; i++) {
        t.partition(0).put("k" + i, (long) i);
      }
      store.checkpoint(tmp.resolve("cp"));
      assertFalse(hasDirtyEntriesFile(tmp.resolve("cp")));
    }
  }

  @Test
  void copyGroupFromACheckpointAppliesItsDirtyEntriesOfThatGroupOnly() {
    int n = 2000;
    try (StateStore store = StateStore.open(config("live"))) {
      StateTable<String, Long> t = store.table("counts", STRING, LONG, 2);
      for (int i = 0; i < n; i++) {
        t.partition(0).put("a" + i, 1L);
        t.partition(1).put("b" + i, 2L);
      }
      t.flush();
      Map<String, Long> expected = new HashMap<>();
      for (int i = 0; i < n; i++) {
        t.partition(0).put("a" + i, 10L); // in the file only
        expected.put("a" + i, 10L);
        t.partition(1).put("b" + i, 20L);
      }
      t.partition(0).put("c", 30L);
      expected.put("c", 30L);
      t.partition(0).remove("a0"); // a removal of a key RocksDB's copy has
      expected.remove("a0");
      store.checkpoint(tmp.resolve("cp"));
      assertTrue(hasDirtyEntriesFile(tmp.resolve("cp")));
      for (int i = 0; i < n; i++) {
        t.partition(0).put("a" + i, 100L);
        t.partition(1).put("b" + i, 200L);
        expected.put("b" + i, 200L);
      }
      t.partition(0).remove("c");
      try (ReadOnlyStateStore source = StateStore.openReadOnly(tmp.resolve("cp"))) {
        t.copyGroupFrom(source, 0);
      }
      assertEquals(expected, StateStoreTest.contents(t));
    }
  }
}
