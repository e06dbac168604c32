package io.uji.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KryoRegistryTest {

  record A(int v) {}

  record B(String s) {}

  @Test
  void shouldRejectUserIdsBelow100() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KryoRegistry.builder().register(A.class, 99));
    assertTrue(e.getMessage().contains(">= 100"), e.getMessage());
  }

  @Test
  void shouldRejectInternalIdsOutside50To99() {
    assertThrows(IllegalArgumentException.class,
        () -> KryoRegistry.builder().registerInternal(A.class, 49));
    assertThrows(IllegalArgumentException.class,
        () -> KryoRegistry.builder().registerInternal(A.class, 100));
    KryoRegistry.builder().registerInternal(A.class, 50).registerInternal(B.class, 99).build();
  }

  @Test
  void shouldRejectADuplicateId() {
    assertThrows(IllegalArgumentException.class,
        () -> KryoRegistry.builder().register(A.class, 100).register(B.class, 100));
  }

  @Test
  void shouldRejectADuplicateClass() {
    assertThrows(IllegalArgumentException.class,
        () -> KryoRegistry.builder().register(A.class, 100).register(A.class, 101));
  }

  @Test
  void shouldRejectReRegisteringABuiltin() {
    assertThrows(IllegalArgumentException.class,
        () -> KryoRegistry.builder().register(String.class, 100));
    assertThrows(IllegalArgumentException.class,
        () -> KryoRegistry.builder().register(Long.class, 100));
  }

  @Test
  void shouldGiveTheSameFingerprintForTheSameRegistrations() {
    KryoRegistry r1 = KryoRegistry.builder().register(A.class, 100).register(B.class, 101).build();
    KryoRegistry r2 = KryoRegistry.builder().register(B.class, 101).register(A.class, 100).build();
    assertEquals(r1.fingerprint(), r2.fingerprint());
    assertEquals(64, r1.fingerprint().length());
  }

  @Test
  void shouldChangeTheFingerprintWhenAnIdOrClassChanges() {
    String base = KryoRegistry.builder().register(A.class, 100).build().fingerprint();
    assertNotEquals(base, KryoRegistry.builder().register(A.class, 101).build().fingerprint());
    assertNotEquals(base, KryoRegistry.builder().register(B.class, 100).build().fingerprint());
    assertNotEquals(base, KryoRegistry.builtinsOnly().fingerprint());
    assertNotEquals(base, KryoRegistry.builder().register(A.class, 100)
        .registerInternal(B.class, 60).build().fingerprint());
  }

  @Test
  void shouldReportWhatIsRegistered() {
    KryoRegistry r = KryoRegistry.builder().register(A.class, 100).build();
    assertTrue(r.isRegistered(A.class));
    assertTrue(r.isRegistered(String.class));
    assertTrue(!r.isRegistered(B.class));
  }
}
