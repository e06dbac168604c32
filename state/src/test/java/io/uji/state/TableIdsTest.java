package io.uji.state;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TableIdsTest {

  @ParameterizedTest
  @ValueSource(strings = {"sessions", "mapWithState-3", "a.b", "uji", "x.timeouts.y", "Default"})
  void shouldAcceptIdsThatCollideWithNoReservedName(String id) {
    assertDoesNotThrow(() -> TableIds.check(id, "state table id"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "uji.meta", "uji.x", "sessions.timeouts", "default"})
  void shouldRejectReservedIdsNamingTheIdAndWhatItIs(String id) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TableIds.check(id, "name for a stateful operator"));
    assertTrue(e.getMessage().startsWith("Invalid name for a stateful operator '" + id + "': it must not"),
        e.getMessage());
  }

  @org.junit.jupiter.api.Test
  void shouldRejectANullId() {
    assertThrows(IllegalArgumentException.class, () -> TableIds.check(null, "state table id"));
  }
}
