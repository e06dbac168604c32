package io.uji.state;

import static io.uji.state.TestSerdes.LONG;
import static io.uji.state.TestSerdes.STRING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sequence number a checkpoint returns is what a store restored from it reports: the
 * checkpoint's identity, which tells a damaged checkpoint that RocksDB opens as an older version
 * of the state from the real one.
 */
class CheckpointSequenceTest {
  @TempDir Path tmp;

  StateStoreConfig config(String name) {
    return StateStoreConfig.of(tmp.resolve(name)).withMemoryBudgetBytes(32L << 20);
  }

  /**
   * Two checkpoints of a growing state, the second written after more puts. The entries are
   * flushed into RocksDB first (a checkpoint would keep them dirty beside RocksDB's copy, in its
   * {@link DirtyEntriesFile}): the sequence number identifies RocksDB's copy.
   */
  private long[] writeTwoCheckpoints() {
    long[] sequences = new long[2];
    try (StateStore store = StateStore.open(config("live"))) {
      StateTable<String, Long> t = store.table("counts", STRING, LONG, 1);
      for (int i = 0; i < 1000; i++) {
        t.partition(0).put("k" + i, (long) i);
      }
      t.partition(0).flush();
      sequences[0] = store.checkpoint(tmp.resolve("cp1"));
      for (int i = 1000; i < 2000; i++) {
        t.partition(0).put("k" + i, (long) i);
      }
      t.partition(0).flush();
      sequences[1] = store.checkpoint(tmp.resolve("cp2"));
    }
    return sequences;
  }

  @Test
  void aRestoredStoreReportsTheSequenceNumberItsCheckpointReturned() {
    long[] sequences = writeTwoCheckpoints();
    assertNotEquals(sequences[0], sequences[1]);
    try (StateStore store = StateStore.restore(tmp.resolve("cp2"), config("restored"))) {
      assertEquals(sequences[1], store.restoredSequenceNumber());
      assertEquals(2000, StateStoreTest.contents(store.table("counts", STRING, LONG, 1)).size());
    }
  }

  /**
   * A MANIFEST cut short (a torn copy, a bad sector) loses its last version edits: RocksDB opens
   * the state as it was before them without an error. Only the sequence number tells.
   */
  @Test
  void aTruncatedManifestOpensAnOlderStateWhoseSequenceNumberDiffers() throws IOException {
    long[] sequences = writeTwoCheckpoints();
    Path cp = tmp.resolve("cp2");
    Path manifest;
    try (Stream<Path> files = Files.list(cp)) {
      manifest = files.filter(p -> p.getFileName().toString().startsWith("MANIFEST-")).findFirst().orElseThrow();
    }
    try (FileChannel ch = FileChannel.open(manifest, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() - 62);
    }
    try (StateStore store = StateStore.restore(cp, config("restored"))) {
      assertNotEquals(sequences[1], store.restoredSequenceNumber(), "RocksDB opened the damaged checkpoint as intact");
    }
  }
}
