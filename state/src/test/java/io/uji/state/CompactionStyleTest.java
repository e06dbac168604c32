package io.uji.state;

import static io.uji.state.TestSerdes.LONG;
import static io.uji.state.TestSerdes.STRING;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.rocksdb.CompactionStyle;
import org.rocksdb.RocksDB;

/**
 * The compaction style of {@link StateStoreConfig#compaction()}: RocksDB gets it, and checkpoints
 * restore exactly whichever style wrote them and whichever restores them, also after the
 * compactions have merged the files that earlier checkpoints link to.
 */
class CompactionStyleTest {
  private static final int KEYS = 3_000;
  private static final int ROUNDS = 6;

  static {
    // NativeOptions made without a StateStore: the library a StateStore loads first.
    RocksDB.loadLibrary();
  }

  @TempDir Path tmp;

  private StateStoreConfig config(String name, Compaction style) {
    return StateStoreConfig.of(tmp.resolve(name)).withMemoryBudgetBytes(32L << 20).withCompaction(style);
  }

  @Test
  void theColumnFamiliesAreCompactedInTheConfiguredStyle() {
    try (NativeOptions leveled = new NativeOptions(config("a", Compaction.LEVELED));
        NativeOptions universal = new NativeOptions(config("b", Compaction.UNIVERSAL))) {
      assertEquals(CompactionStyle.LEVEL, leveled.cfOptions.compactionStyle());
      assertEquals(CompactionStyle.UNIVERSAL, universal.cfOptions.compactionStyle());
      assertEquals(200, universal.compactionOptions.maxSizeAmplificationPercent());
    }
  }

  /**
   * Rounds of overwrites, each flushed and checkpointed (a checkpoint flushes the memtables: one
   * new SST file a round), until the compactions have merged files; then every checkpoint is
   * restored, under both styles, and must hold exactly the state of its round.
   */
  @ParameterizedTest
  @EnumSource(Compaction.class)
  void everyCheckpointRestoresExactlyAfterCompactionsUnderEitherStyle(Compaction written) {
    List<Map<String, Long>> expected = new ArrayList<>();
    Map<String, Long> model = new HashMap<>();
    Path live = tmp.resolve("live");
    try (StateStore store = StateStore.open(config("live", written))) {
      StateTable<String, Long> t = store.table("counts", STRING, LONG, 2);
      for (int round = 0; round < ROUNDS; round++) {
        for (int i = round * 500; i < round * 500 + KEYS; i++) {
          String k = "k" + i;
          long v = (long) round * 1_000_000 + i;
          partitionOf(t, k).put(k, v);
          model.put(k, v);
        }
        String removed = "k" + (round * 500 + 1);
        partitionOf(t, removed).remove(removed);
        model.remove(removed);
        t.flush();
        store.checkpoint(tmp.resolve("cp" + round));
        expected.add(new HashMap<>(model));
      }
      // Six flushed files: four trigger a compaction in either style, which leaves fewer.
      await().atMost(Duration.ofSeconds(30)).until(() -> sstFiles(live) < ROUNDS);
      store.checkpoint(tmp.resolve("cp-compacted"));
    }
    expected.add(expected.get(ROUNDS - 1));
    for (Compaction restoredAs : Compaction.values()) {
      for (int round = 0; round <= ROUNDS; round++) {
        Path cp = tmp.resolve(round < ROUNDS ? "cp" + round : "cp-compacted");
        try (StateStore store = StateStore.restore(cp, config("restored", restoredAs))) {
          Map<String, Long> got = StateStoreTest.contents(store.table("counts", STRING, LONG, 2));
          // Compared as a whole, but reported briefly: the maps hold thousands of entries.
          assertTrue(expected.get(round).equals(got), cp + " written under " + written + ", restored under "
              + restoredAs + ": " + got.size() + " entries, expected " + expected.get(round).size());
        }
      }
    }
  }

  private static StatePartition<String, Long> partitionOf(StateTable<String, Long> t, String key) {
    return t.partition(Math.floorMod(key.hashCode(), t.numPartitions()));
  }

  private static long sstFiles(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".sst")).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
