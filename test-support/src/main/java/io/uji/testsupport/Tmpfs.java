package io.uji.testsupport;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs for tests that need a real full or read-only file system. Mounting needs root
 * on Linux: a test calls {@link #mount} in an assumption, so it is skipped where it cannot.
 */
public final class Tmpfs {
  private Tmpfs() {}

  /** @return whether {@code mount -t tmpfs -o options tmpfs dir} succeeded */
  public static boolean mount(Path dir, String options) {
    return run("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.toString());
  }

  /** @return whether {@code mount -o remount,options dir} succeeded */
  public static boolean remount(Path dir, String options) {
    return run("mount", "-o", "remount," + options, dir.toString());
  }

  /**
   * Unmounts lazily ({@code umount -l}): a file a failed test left open must not keep the mount
   * around.
   */
  public static void unmount(Path dir) {
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
