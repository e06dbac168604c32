package io.uji.recovery;

/** Cycle counts: small by default, hundreds under the crash-soak profile ({@code -Duji.crash.cycles=N}). */
final class Cycles {
  private Cycles() {}

  /** @return kill/restart cycles for a random-kill scenario */
  static int random(int byDefault) {
    return Integer.getInteger("uji.crash.cycles", byDefault);
  }

  /** @return kill/restart cycles per named crash point */
  static int perPoint(int byDefault) {
    return Integer.getInteger("uji.crash.cycles.per-point", byDefault);
  }
}
