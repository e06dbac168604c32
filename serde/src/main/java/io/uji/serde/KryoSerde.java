package io.uji.serde;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.DefaultSerializers;
import java.lang.reflect.Modifier;
import java.util.Objects;

/**
 * A {@link Serde} backed by a {@link KryoPool}.
 *
 * <p>Two encodings, chosen once from the declared type:
 * <ul>
 *   <li>a final class (records, String, boxed values, arrays, final classes): the value alone
 *       ({@code writeObject}); the type is known, so no class id is spent on each value, and the
 *       value's class must be exactly that type;</li>
 *   <li>anything else (interfaces such as {@code List}, {@code Object}, abstract or open classes):
 *       a class id then the value ({@code writeClassAndObject}), so subclasses round-trip.</li>
 * </ul>
 * Either way only registered ids are ever read: the bytes never name a class to load.
 *
 * @param <T> the declared type
 */
public final class KryoSerde<T> implements Serde<T> {

  private final KryoPool pool;
  private final Class<T> type;
  private final boolean exactType;
  /**
   * Strings with Kryo's own string serializer: written and read by the same {@code Output} and
   * {@code Input} calls that serializer makes, without borrowing a Kryo and looking up the class's
   * registration (a hash lookup per value that missed Kryo's one-class memo whenever keys and
   * values alternate: 4% of a kafka-session-count profile). Same bytes either way.
   */
  private final boolean plainString;

  /**
   * @param pool the Kryo instances to use
   * @param type the declared type of the values
   * @throws UnregisteredClassException if {@code type} is final and not registered in the pool's
   *     registry
   */
  public KryoSerde(KryoPool pool, Class<T> type) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.type = Objects.requireNonNull(type, "type");
    this.exactType = Modifier.isFinal(type.getModifiers()) && !type.isPrimitive();
    if (exactType && !pool.registry().isRegistered(type)) {
      throw unregistered(type.getName(), null);
    }
    this.plainString = type == String.class && usesKryosStringSerializer(pool);
  }

  private static boolean usesKryosStringSerializer(KryoPool pool) {
    Kryo kryo = pool.borrowKryo();
    try {
      return kryo.getSerializer(String.class).getClass() == DefaultSerializers.StringSerializer.class;
    } finally {
      pool.release(kryo);
    }
  }

  /** @return the declared type */
  public Class<T> type() {
    return type;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Uses a pooled Output, so the only allocation per call is the returned array.
   */
  @Override
  public byte[] toBytes(T value) {
    Output out = pool.borrowOutput();
    try {
      write(value, out);
      return out.toBytes();
    } finally {
      pool.release(out);
    }
  }

  @Override
  public T fromBytes(byte[] bytes) {
    return fromBytes(bytes, 0, bytes.length);
  }

  /**
   * Reads a value from a slice of an array, without copying it.
   *
   * @throws SerdeException if the slice is not exactly one valid value of this type
   */
  @Override
  public T fromBytes(byte[] bytes, int offset, int length) {
    Input in = pool.borrowInput();
    try {
      in.setBuffer(bytes, offset, length);
      T value = read(in);
      if (in.position() != offset + length) {
        throw new SerdeException("Trailing bytes after a " + type.getName() + ": read "
            + (in.position() - offset) + " of " + length + " bytes");
      }
      return value;
    } finally {
      pool.release(in);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Serializes straight into the sink's buffer: nothing is allocated per call.
   *
   * @throws UnregisteredClassException if the value, or anything it holds, is of an unregistered
   *     class
   * @throws SerdeException if it cannot be serialized for another reason, or the sink cannot grow
   */
  @Override
  public void write(T value, ByteSink sink) {
    write(value, sink.output());
  }

  /** Appends {@code value} to {@code out}: the bytes of {@link #toBytes}. */
  void write(T value, Output out) {
    if (plainString && value instanceof String s) {
      try {
        out.writeString(s);
      } catch (KryoException e) {
        throw wrap("serialize " + describe(value), e);
      }
      return;
    }
    Kryo kryo = pool.borrowKryo();
    try {
      if (exactType) {
        if (value == null || value.getClass() != type) {
          throw new SerdeException("Cannot serialize " + describe(value) + " as "
              + type.getName() + ": a serde for a final type takes exactly that type");
        }
        kryo.writeObject(out, value);
      } else {
        kryo.writeClassAndObject(out, value);
      }
    } catch (IllegalArgumentException | KryoException e) {
      throw wrap("serialize " + describe(value), e);
    } finally {
      pool.release(kryo);
    }
  }

  /**
   * Reads the next value from {@code in}.
   *
   * @throws SerdeException if the bytes are not a valid value of this type, or name a class id
   *     that is not registered
   */
  T read(Input in) {
    if (plainString) {
      try {
        return type.cast(in.readString());
      } catch (KryoException e) {
        throw wrap("deserialize a " + type.getName(), e);
      }
    }
    Kryo kryo = pool.borrowKryo();
    try {
      Object value = exactType ? kryo.readObject(in, type) : kryo.readClassAndObject(in);
      if (value != null && !type.isInstance(value)) {
        throw new SerdeException("Bytes hold a " + value.getClass().getName()
            + ", not a " + type.getName());
      }
      return type.cast(value);
    } catch (IllegalArgumentException | KryoException e) {
      throw wrap("deserialize a " + type.getName(), e);
    } finally {
      pool.release(kryo);
    }
  }

  private static String describe(Object value) {
    return value == null ? "null" : "a " + value.getClass().getName();
  }

  private SerdeException wrap(String what, RuntimeException e) {
    String msg = String.valueOf(e.getMessage());
    // Kryo's own message names the unregistered class (possibly nested inside the value).
    int at = msg.indexOf("Class is not registered: ");
    if (at >= 0) {
      String rest = msg.substring(at + "Class is not registered: ".length());
      int end = rest.indexOf('\n');
      return unregistered(end < 0 ? rest : rest.substring(0, end), e);
    }
    if (msg.contains("unregistered class ID")) {
      return new SerdeException("Cannot " + what + ": the bytes name a class id that is not"
          + " registered (" + firstLine(msg) + "); was the data written by a program with"
          + " other registrations?", e);
    }
    return new SerdeException("Cannot " + what + ": " + firstLine(msg), e);
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private SerdeException unregistered(String className, Throwable cause) {
    return new UnregisteredClassException(className, "Class " + className + " is not registered for serialization; "
        + pool.registry().howToRegister(className), cause);
  }
}
