package io.uji.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.uji.serde.KryoPool;
import io.uji.serde.KryoRegistry;
import io.uji.serde.KryoSerde;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KryoSerdeStateTest {
  /** What the engine's mapWithState keeps per key: the state and when the key was last seen. */
  public record Session(long count, long lastSeen) {}

  @TempDir Path tmp;

  @Test
  void kryoSerializedStateSurvivesCheckpointAndRestore() {
    KryoPool pool = new KryoPool(KryoRegistry.builder().register(Session.class, 100).build());
    KryoSerde<String> keys = new KryoSerde<>(pool, String.class);
    KryoSerde<Session> states = new KryoSerde<>(pool, Session.class);
    StateStoreConfig cfg = StateStoreConfig.of(tmp.resolve("live")).withMemoryBudgetBytes(16L << 20);
    try (StateStore store = StateStore.open(cfg)) {
      StatePartition<String, Session> p = store.table("sessions", keys, states, 1).partition(0);
      for (int i = 0; i < 1000; i++) {
        p.put("user-" + i, new Session(i, 1000L * i));
      }
      p.timeIndex().add(60_000, List.of("user-1", "user-2"));
      store.checkpoint(tmp.resolve("cp"));
    }
    try (StateStore store = StateStore.restore(tmp.resolve("cp"), cfg)) {
      StatePartition<String, Session> p = store.table("sessions", keys, states, 1).partition(0);
      List<Session> out = new ArrayList<>();
      p.getAll(List.of("user-7", "nobody", "user-999"), out);
      assertEquals(new Session(7, 7000), out.get(0));
      assertNull(out.get(1));
      assertEquals(new Session(999, 999_000), out.get(2));
      assertEquals(List.of("user-1", "user-2"), p.timeIndex().pollUpTo(60_000).get(0).keys());
    }
  }
}
