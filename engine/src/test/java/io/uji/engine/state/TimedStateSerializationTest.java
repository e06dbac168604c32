package io.uji.engine.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Output;
import io.uji.serde.KryoPool;
import io.uji.serde.KryoRegistry;
import io.uji.serde.KryoSerde;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * mapWithState's stored record: its serialized length must not change while {@code lastSeen}
 * advances (the state cache appends a new copy of every value whose length changes), and every
 * encoding, older checkpoints' included, must read back the same record.
 */
class TimedStateSerializationTest {
  private static final long NOW = 1_796_306_924_000L; // an epoch-ms batch time of 2026
  private static final KryoRegistry REGISTRY = registry();
  private final KryoPool pool = new KryoPool(REGISTRY);
  @SuppressWarnings({"unchecked", "rawtypes"})
  private final KryoSerde<TimedState<Long>> serde = new KryoSerde<>(pool, (Class) TimedState.class);

  private static KryoRegistry registry() {
    KryoRegistry.Builder b = KryoRegistry.builder();
    StateSerialization.register(b);
    return b.build();
  }

  @Test
  void shouldKeepTheSerializedLengthOfAKeyWhoseLastSeenAdvancesBatchAfterBatchForHalfAnHour() {
    long filedAt = NOW;
    Set<Integer> lengths = new HashSet<>();
    // 2 s batches for 30 min after the key was filed: a 60 s timeout re-files it long before.
    for (long lastSeen = NOW; lastSeen <= NOW + 30 * 60_000; lastSeen += 2_000) {
      lengths.add(serde.toBytes(new TimedState<>(7L, lastSeen, filedAt)).length);
    }
    assertEquals(1, lengths.size(), "serialized lengths " + lengths);
  }

  @Test
  void shouldReadBackEveryDeltaWrittenPaddedOrNot() {
    long[] deltas = {0, 1, 127, 128, 16_383, 16_384, (1L << 21) - 1, 1L << 21, 3_600_000, 1L << 40, -1, -30_000};
    for (long delta : deltas) {
      TimedState<Long> back = serde.fromBytes(serde.toBytes(new TimedState<>(42L, NOW, NOW - delta)));
      assertEquals(Fields.of(42L, NOW, NOW - delta), Fields.of(back.state, back.lastSeen, back.filedAt), "delta " + delta);
    }
  }

  @Test
  void shouldReadRecordsWrittenWithTheMinimalDeltaOfEarlierVersions() {
    for (long delta : new long[] {0, 200, 20_000, 3_600_000}) {
      byte[] old = pool.withKryo(kryo -> minimalEncoding(kryo, 9L, NOW, NOW - delta));
      TimedState<Long> back = serde.fromBytes(old);
      assertEquals(Fields.of(9L, NOW, NOW - delta), Fields.of(back.state, back.lastSeen, back.filedAt), "delta " + delta);
    }
  }

  /** The layout before the delta was padded: every varlong minimal. */
  private static byte[] minimalEncoding(Kryo kryo, Object state, long lastSeen, long filedAt) {
    Output out = new Output(64);
    out.writeVarLong(lastSeen, false);
    out.writeVarLong(lastSeen - filedAt, true);
    kryo.writeClassAndObject(out, state);
    return out.toBytes();
  }

  /** The three fields of a record, compared at once. */
  private record Fields(Object state, long lastSeen, long filedAt) {
    static Fields of(Object state, long lastSeen, long filedAt) {
      return new Fields(state, lastSeen, filedAt);
    }
  }
}
