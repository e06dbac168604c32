package io.uji.engine.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.uji.streaming.ManualClock;
import io.uji.streaming.StreamingContext;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint directory written by Uji's first format version (a committed fixture) must stay
 * readable: restored, replayed and continued to exact counts by every later version.
 */
class GoldenCheckpointTest {
  @TempDir
  Path tmp;

  @Test
  void checkpointDirectoryOfFormatVersion1IsRestoredAndContinuesExactly() throws Exception {
    Path ckpt = tmp.resolve("ckpt");
    try (InputStream in = getClass().getResourceAsStream("/golden-checkpoint-v1.zip")) {
      assertNotNull(in, "the golden fixture is missing from test resources");
      GoldenProgram.unzip(in, ckpt);
    }
    GoldenProgram p = GoldenProgram.fresh();
    ManualClock clock = new ManualClock(GoldenProgram.BATCHES_IN_FIXTURE * GoldenProgram.INTERVAL_MS);
    StreamingContext ssc = StreamingContext.getOrCreate(ckpt.toString(), () -> p.create(clock));
    ssc.start();
    try {
      int batches = (int) (GoldenProgram.TOTAL / 10);
      for (int b = GoldenProgram.BATCHES_IN_FIXTURE + 1; b <= batches; b++) {
        clock.advance(GoldenProgram.INTERVAL_MS);
        long t = clock.getTimeMillis();
        await().atMost(Duration.ofSeconds(30)).until(() -> p.completed.contains(t));
      }
    } finally {
      ssc.stop(false);
    }
    assertEquals(GoldenProgram.expected(), new TreeMap<>(p.counts), "mapWithState 'counts' continued exactly");
    assertEquals(GoldenProgram.expected(), new TreeMap<>(p.totals), "updateStateByKey 'totals' continued exactly");
  }
}
