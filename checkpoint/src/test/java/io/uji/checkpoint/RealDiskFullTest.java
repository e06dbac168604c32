package io.uji.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.uji.testsupport.Tmpfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fills a real 2 MiB tmpfs. Runs only where this process may mount (root on Linux). */
class RealDiskFullTest {

  @TempDir Path tmp;

  @Test
  void shouldKeepEveryAcknowledgedRecordWhenARealFileSystemFillsUp() throws Exception {
    Path mnt = tmp.resolve("small");
    Files.createDirectories(mnt);
    assumeTrue(Tmpfs.mount(mnt, "size=2m"), "cannot mount tmpfs here");
    try {
      Path logDir = mnt.resolve("wal");
      byte[] record = new byte[10_000];
      List<LogPosition> acked = new ArrayList<>();
      LogConfig cfg = LogConfig.defaults().withFsyncPolicy(FsyncPolicy.PER_APPEND)
          .withMaxSegmentBytes(256 * 1024);
      try (SegmentedLog log = SegmentedLog.open(logDir, cfg)) {
        CheckpointException full = assertThrows(CheckpointException.class, () -> {
          for (int i = 0; i < 1000; i++) {
            record[0] = (byte) i;
            acked.add(log.append(record));
          }
        });
        assertTrue(full.getMessage().contains("No space left on device"), full.getMessage());
      } catch (CheckpointException closeFailure) {
        // close may fail to force too; what matters is what reopening finds
      }
      try (SegmentedLog log = SegmentedLog.open(logDir, cfg)) {
        List<LogEntry> all = log.readAllFrom(log.start());
        assertTrue(all.size() >= acked.size());
        for (int i = 0; i < acked.size(); i++) {
          assertEquals(acked.get(i), all.get(i).position());
          assertEquals((byte) i, all.get(i).payload()[0]);
        }
        assertArrayEquals(log.read(acked.get(0)), all.get(0).payload());
      }
    } finally {
      Tmpfs.unmount(mnt);
    }
  }
}
