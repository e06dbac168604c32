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
 * 70  TimedState   zigzag varlong lastSeen | varlong (lastSeen - filedAt), at least 3 bytes | class id + user state
 * </pre>
 *
 * <p>The delta is written at least {@value #DELTA_BYTES} bytes long (a Kryo varlong with
 * continuation bits on zero-valued groups, which every Kryo varlong reader decodes: older
 * checkpoints, whose deltas are minimal, read the same). Why: the state cache overwrites a value
 * of the same length in place and appends a new copy of one of another length ({@code
 * CacheTable}), and a minimal delta grows from 1 to 2 to 3 bytes as {@code lastSeen} advances
 * away from {@code filedAt} (at 128 ms and 16.4 s): nearly every key then took one or two
 * appends in its first batches and after each re-filing, garbage in the slab that compactions
 * copy and full collections mark. At 3 bytes a key keeps its length for deltas up to 35 min.
 */
public final class StateSerialization {
  private StateSerialization() {}

  /** Adds the registrations to {@code b}. */
  public static void register(KryoRegistry.Builder b) {
    b.registerInternal(TimedState.class, 70, TimedStateSerializer::new);
  }

  /** The smallest width of the delta, in bytes: deltas below 2^21 ms (35 min) keep one length. */
  static final int DELTA_BYTES = 3;

  /** The layout above; the delta keeps {@code filedAt} to three bytes. */
  @SuppressWarnings("rawtypes")
  static final class TimedStateSerializer extends Serializer<TimedState> {
    TimedStateSerializer() {
      setImmutable(false);
    }

    @Override
    public void write(Kryo kryo, Output out, TimedState s) {
      out.writeVarLong(s.lastSeen, false);
      writeDelta(out, s.lastSeen - s.filedAt);
      kryo.writeClassAndObject(out, s.state);
    }

    /** {@code delta} as an unsigned Kryo varlong of at least {@link #DELTA_BYTES} bytes. */
    static void writeDelta(Output out, long delta) {
      if (delta >= 0 && delta < 1L << (7 * DELTA_BYTES)) {
        out.writeByte((int) (delta & 0x7F) | 0x80);
        out.writeByte((int) ((delta >>> 7) & 0x7F) | 0x80);
        out.writeByte((int) (delta >>> 14));
      } else {
        out.writeVarLong(delta, true);
      }
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
