package io.uji.state;

/**
 * The hash that Uji's open-addressing tables probe with: the state cache ({@link StatePartition})
 * and the engine's per-batch key groups.
 */
public final class Hashing {
  private Hashing() {}

  /**
   * MurmurHash3's 32-bit finalizer ({@code fmix32}): every input bit affects every output bit.
   * Linear probing indexes by the low bits, and {@code hashCode}s of similar keys ({@code
   * "user-1"}, {@code "user-2"}, or boxed numbers that differ in high bits only) differ in a few
   * bits, which would pile them into neighbouring slots. A bijection: distinct inputs stay
   * distinct.
   *
   * @return the mixed hash
   */
  public static int fmix32(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    return h ^ (h >>> 16);
  }
}
