package io.uji.recovery;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A small tmpfs for real full or read-only file systems (root only; tests assume it works). */
final class Tmpfs {
  private Tmpfs() {}

  /** @return whether {@code mount -t tmpfs -o options tmpfs dir} succeeded */
  static boolean mount(Path dir, String options) {
    return run("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.toString());
  }

  /** @return whether {@code mount -o remount,options dir} succeeded */
  static boolean remount(Path dir, String options) {
    return run("mount", "-o", "remount," + options, dir.toString());
  }

  static void unmount(Path dir) {
    run("umount", "-l", dir.toString());
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
