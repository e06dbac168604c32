package io.uji.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HashingTest {

  @Test
  void shouldSpreadHashesThatDifferOnlyInHighBitsOverTheLowBits() {
    // 1,024 hash codes whose low 20 bits are all zero: unmixed, they would share one slot of a
    // 1,024-slot table.
    Set<Integer> slots = new HashSet<>();
    for (int i = 0; i < 1024; i++) {
      slots.add(Hashing.fmix32(i << 20) & 1023);
    }
    assertTrue(slots.size() > 600, slots.size() + " distinct slots of 1024");
  }

  @Test
  void shouldMapDistinctInputsToDistinctOutputs() {
    Set<Integer> seen = new HashSet<>();
    for (int i = -100_000; i < 100_000; i++) {
      assertTrue(seen.add(Hashing.fmix32(i * 0x9E3779B9)), "collision at " + i);
    }
  }

  @Test
  void shouldBeMurmur3sFinalizer() {
    // Reference values of MurmurHash3's fmix32 (smhasher), computed independently.
    assertEquals(0, Hashing.fmix32(0));
    assertEquals(0x514e28b7, Hashing.fmix32(1));
    assertEquals(0x81f16f39, Hashing.fmix32(0xffffffff));
  }
}
