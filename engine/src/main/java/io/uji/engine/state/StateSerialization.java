package io.uji.engine.state;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.uji.serde.KryoRegistry;

/**
 * Kryo registrations of the keyed-state operators' internal records, ids 70..79 of the internal
 * range (never reuse an id: checkpoints hold them).
 *
 * <pre>
 * 70  TimedState   zigzag varlong lastSeen | varlong (lastSeen - filedAt) | class id + user state
 * </pre>
 */
public final class StateSerialization {
  private StateSerialization() {}

  /** Adds the registrations to {@code b}. */
  public static void register(KryoRegistry.Builder b) {
    b.registerInternal(TimedState.class, 70, TimedStateSerializer::new);
  }

  /** The layout above; the delta keeps {@code filedAt} to a byte or two. */
  @SuppressWarnings("rawtypes")
  static final class TimedStateSerializer extends Serializer<TimedState> {
    TimedStateSerializer() {
      setImmutable(false);
    }

    @Override
    public void write(Kryo kryo, Output out, TimedState s) {
      out.writeVarLong(s.lastSeen, false);
      out.writeVarLong(s.lastSeen - s.filedAt, true);
      kryo.writeClassAndObject(out, s.state);
    }

    @Override
    @SuppressWarnings("unchecked")
    public TimedState read(Kryo kryo, Input in, Class<? extends TimedState> type) {
      long lastSeen = in.readVarLong(false);
      long filedAt = lastSeen - in.readVarLong(true);
      return new TimedState<>(kryo.readClassAndObject(in), lastSeen, filedAt);
    }
  }
}
