package io.uji.checkpoint;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Named places where a crash test can halt the JVM, as if the power failed there.
 *
 * <p>Off unless the system property {@code uji.crash.at} names a point; then the N-th arrival
 * at that point ({@code uji.crash.after}, default 1) calls {@code Runtime.halt(86)}: no shutdown
 * hooks, no finally blocks, no buffered output flushed. Properties are read once, so when off a
 * hit costs one branch on a static final.
 *
 * <p>Points in this module: {@code wal.before-append}, {@code wal.mid-record} (half a record is
 * written and forced first), {@code wal.after-append-before-ack}, {@code wal.segment-roll},
 * {@code checkpoint.before-rename}, {@code checkpoint.after-rename}, {@code checkpoint.cleanup}.
 * Other modules add their own names.
 */
public final class CrashPoints {

  /** The exit status of a JVM halted at a crash point. */
  public static final int EXIT_CODE = 86;

  private static final String AT = System.getProperty("uji.crash.at");
  private static final int AFTER = Integer.getInteger("uji.crash.after", 1);
  private static final AtomicInteger ARRIVALS = new AtomicInteger();

  private CrashPoints() {}

  /** Halts the JVM if this arrival at {@code name} is the armed one. */
  public static void hit(String name) {
    if (AT != null && arrive(name)) {
      halt();
    }
  }

  /**
   * For points that must do something before halting (for example write half a record): counts
   * an arrival and says whether the caller should now halt via {@link #halt()}.
   *
   * @return true if this arrival at {@code name} is the armed one
   */
  public static boolean arrive(String name) {
    return AT != null && AT.equals(name) && ARRIVALS.incrementAndGet() == AFTER;
  }

  /** Halts the JVM immediately with {@link #EXIT_CODE}. */
  public static void halt() {
    Runtime.getRuntime().halt(EXIT_CODE);
  }
}
