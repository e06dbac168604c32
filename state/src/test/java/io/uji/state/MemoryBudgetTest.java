package io.uji.state;

import static io.uji.state.TestSerdes.LONG;
import static io.uji.state.TestSerdes.STRING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryBudgetTest {
  private static final long BUDGET = 32L << 20;
  /** What RocksDB cannot charge to the cache exactly (charging granularity, table readers). */
  private static final long SLACK = 8L << 20;

  @TempDir Path tmp;

  @Test
  void nativeMemoryStaysWithinTheBudgetWithAMillionKeys() {
    StateStoreConfig cfg = StateStoreConfig.of(tmp.resolve("live"))
        .withMemoryBudgetBytes(BUDGET)
        .withCacheEntriesPerTable(50_000);
    int keys = 1_000_000;
    int batch = 100_000;
    long peak = 0;
    try (StateStore store = StateStore.open(cfg)) {
      StateTable<String, Long> t = store.table("sessions", STRING, LONG, 2);
      for (int round = 0; round < 2; round++) {
        for (int from = 0; from < keys; from += batch) {
          for (int p = 0; p < 2; p++) {
            List<String> ks = new ArrayList<>();
            for (int i = from + p; i < from + batch; i += 2) {
              ks.add("user-" + i);
            }
            List<Long> out = new ArrayList<>();
            StatePartition<String, Long> part = t.partition(p);
            part.getAll(ks, out);
            for (int i = 0; i < ks.size(); i++) {
              Long old = out.get(i);
              part.put(ks.get(i), old == null ? 1L : old + 1);
            }
            part.endBatch();
          }
          peak = Math.max(peak, store.nativeMemoryUsage());
        }
        store.checkpoint(tmp.resolve("cp" + round));
        peak = Math.max(peak, store.nativeMemoryUsage());
      }
      long[] sum = {0, 0};
      for (int p = 0; p < 2; p++) {
        t.partition(p).forEach((k, v) -> {
          sum[0] += v;
          sum[1]++;
        });
      }
      peak = Math.max(peak, store.nativeMemoryUsage());
      assertEquals(keys, sum[1]);
      assertEquals(2L * keys, sum[0]);
    }
    System.out.printf("native memory peak %.1f MiB for a budget of %.1f MiB%n", peak / 1048576.0, BUDGET / 1048576.0);
    assertTrue(peak <= BUDGET + SLACK, "peak " + peak + " over budget " + BUDGET);
  }
}
