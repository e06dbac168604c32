package io.uji.checkpoint;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** What a child JVM does in the cross-process tests. */
public final class ChildMain {
  private ChildMain() {}

  public static void main(String[] args) {
    switch (args[0]) {
      case "lock" -> {
        try (CheckpointDirectory d = CheckpointDirectory.open(Path.of(args[1]))) {
          System.out.println("OPENED");
          System.exit(0);
        } catch (CheckpointDirectoryLockedException e) {
          System.out.println("LOCKED: " + e.getMessage());
          System.exit(3);
        }
      }
      case "append" -> {
        LogConfig cfg = LogConfig.defaults().withFsyncPolicy(FsyncPolicy.PER_APPEND)
            .withMaxSegmentBytes(Long.parseLong(args[3]));
        try (SegmentedLog log = SegmentedLog.open(Path.of(args[1]), cfg)) {
          int n = Integer.parseInt(args[2]);
          for (int i = 0; i < n; i++) {
            log.append(("record-" + i).getBytes(StandardCharsets.UTF_8));
          }
        }
        System.exit(0);
      }
      case "checkpoint" -> {
        try (CheckpointDirectory d = CheckpointDirectory.open(Path.of(args[1]));
            PendingCheckpoint p = d.begin(Long.parseLong(args[2]))) {
          p.complete(new byte[] {1, 2, 3});
          d.retainNewest(1);
        }
        System.exit(0);
      }
      default -> throw new IllegalArgumentException(args[0]);
    }
  }
}
