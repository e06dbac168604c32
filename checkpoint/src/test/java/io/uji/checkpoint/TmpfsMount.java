package io.uji.checkpoint;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Mounts a small tmpfs for tests that need a real full or read-only file system (root only). */
final class TmpfsMount {
  private TmpfsMount() {}

  /** @return whether the mount succeeded */
  static boolean mount(Path dir, String options) {
    return run("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.toString());
  }

  static void unmount(Path dir) {
    run("umount", dir.toString());
  }

  private static boolean run(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (Exception e) {
      return false;
    }
  }
}
