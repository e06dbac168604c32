package io.uji.serde;

import java.util.Arrays;
import java.util.Objects;

/**
 * Turns values of one type into bytes and back. Implementations are thread-safe.
 *
 * <p>The byte form is durable: it is written to RocksDB, the write-ahead log and checkpoint
 * files, so an implementation must keep reading what earlier versions wrote.
 *
 * @param <T> the type of the values
 */
public interface Serde<T> {

  /**
   * @return the bytes of {@code value}
   * @throws SerdeException if the value (or something it holds) cannot be serialized, for
   *     example a class that was not registered
   */
  byte[] toBytes(T value);

  /**
   * @return the value read from {@code bytes}
   * @throws SerdeException if the bytes are not a valid serialized value of this type
   */
  T fromBytes(byte[] bytes);

  /**
   * Reads a value from {@code bytes[offset, offset + length)}, the bytes {@link #toBytes} made:
   * for callers that keep many serialized values in one array. The default copies the slice;
   * {@link KryoSerde} reads it in place.
   *
   * @throws SerdeException if the slice is not exactly one valid serialized value of this type
   * @throws IndexOutOfBoundsException if the slice is not within {@code bytes}
   */
  default T fromBytes(byte[] bytes, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    return fromBytes(Arrays.copyOfRange(bytes, offset, offset + length));
  }

  /**
   * Appends the bytes of {@code value} to {@code sink}, the same bytes as {@link #toBytes}: for
   * callers that serialize many values into one buffer. The default copies {@code toBytes};
   * {@link KryoSerde} writes in place and allocates nothing.
   *
   * @throws SerdeException if the value cannot be serialized, or the sink cannot grow
   */
  default void write(T value, ByteSink sink) {
    sink.writeBytes(toBytes(value));
  }
}
