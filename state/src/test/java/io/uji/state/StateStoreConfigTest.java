package io.uji.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StateStoreConfigTest {
  private static final Path DIR = Path.of("/tmp/live");

  @Test
  void shouldBuildTheDefaultsForEverythingButTheDirectory() {
    StateStoreConfig c = StateStoreConfig.builder().dir(DIR).build();
    assertEquals(new StateStoreConfig(DIR, StateStoreConfig.DEFAULT_MEMORY_BUDGET_BYTES,
        StateStoreConfig.DEFAULT_WRITE_BUFFER_RATIO, StateStoreConfig.DEFAULT_CACHE_ENTRIES_PER_TABLE,
        StateStoreConfig.DEFAULT_MAX_OPEN_FILES, Compaction.LEVELED), c);
    assertEquals(c, StateStoreConfig.of(DIR));
  }

  @Test
  void shouldCarryEveryValueThroughToBuilder() {
    StateStoreConfig c = new StateStoreConfig(DIR, 64L << 20, 0.25, 1000, 64, Compaction.UNIVERSAL);
    assertEquals(c, c.toBuilder().build());
  }

  @Test
  void shouldChangeOnlyTheNamedValueWithEachWither() {
    StateStoreConfig c = new StateStoreConfig(DIR, 64L << 20, 0.25, 1000, 64, Compaction.UNIVERSAL);
    Path other = Path.of("/tmp/other");
    assertEquals(new StateStoreConfig(other, 64L << 20, 0.25, 1000, 64, Compaction.UNIVERSAL), c.withDir(other));
    assertEquals(new StateStoreConfig(DIR, 32L << 20, 0.25, 1000, 64, Compaction.UNIVERSAL), c.withMemoryBudgetBytes(32L << 20));
    assertEquals(new StateStoreConfig(DIR, 64L << 20, 0.75, 1000, 64, Compaction.UNIVERSAL), c.withWriteBufferRatio(0.75));
    assertEquals(new StateStoreConfig(DIR, 64L << 20, 0.25, 7, 64, Compaction.UNIVERSAL), c.withCacheEntriesPerTable(7));
    assertEquals(new StateStoreConfig(DIR, 64L << 20, 0.25, 1000, -1, Compaction.UNIVERSAL), c.withMaxOpenFiles(-1));
    assertEquals(new StateStoreConfig(DIR, 64L << 20, 0.25, 1000, 64, Compaction.LEVELED),
        c.withCompaction(Compaction.LEVELED));
  }

  @Test
  void shouldRefuseToBuildWithoutADirectory() {
    NullPointerException e = assertThrows(NullPointerException.class, () -> StateStoreConfig.builder().build());
    assertTrue(e.getMessage().contains("dir"), e.getMessage());
  }

  @Test
  void shouldCheckTheRangesWhenBuilding() {
    StateStoreConfig.Builder b = StateStoreConfig.builder().dir(DIR);
    assertThrows(IllegalArgumentException.class, () -> b.memoryBudgetBytes(1L << 20).build());
    b.memoryBudgetBytes(8L << 20);
    assertThrows(IllegalArgumentException.class, () -> b.writeBufferRatio(1.0).build());
    b.writeBufferRatio(0.5);
    assertThrows(IllegalArgumentException.class, () -> b.cacheEntriesPerTable(0).build());
    b.cacheEntriesPerTable(1);
    assertThrows(IllegalArgumentException.class, () -> b.maxOpenFiles(15).build());
    assertEquals(16, b.maxOpenFiles(16).build().maxOpenFiles());
    assertThrows(NullPointerException.class, () -> b.compaction(null).build());
  }
}
