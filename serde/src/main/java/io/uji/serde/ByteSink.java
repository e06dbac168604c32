package io.uji.serde;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Output;

/**
 * A growable byte buffer, owned by its caller, that {@link Serde#write(Object, ByteSink)} appends
 * values to: for callers that serialize many values into one buffer (the state store's write
 * batches and checkpoint captures) without allocating an array per value. The bytes written so
 * far are {@code buffer()[0, position())}.
 *
 * <p>It is backed by a Kryo {@code Output} so that {@link KryoSerde} writes straight into it, as
 * fast as into an {@code Output} of its own; the {@code Output} is never handed out, so modules
 * other than this one see no Kryo type.
 *
 * <p>Not thread-safe: one thread fills a sink at a time.
 */
public final class ByteSink {
  private final Output output;

  /**
   * @param initialCapacity the bytes allocated up front; the buffer grows as needed
   * @throws IllegalArgumentException if {@code initialCapacity} is negative
   */
  public ByteSink(int initialCapacity) {
    if (initialCapacity < 0) {
      throw new IllegalArgumentException("negative initial capacity " + initialCapacity);
    }
    this.output = new Output(initialCapacity, -1);
  }

  /** @return the number of bytes written since creation or the last {@link #clear()} */
  public int position() {
    return output.position();
  }

  /**
   * @return the backing array, whose first {@link #position()} bytes are the ones written; a
   *     later write may replace it by a larger array, so callers read it after they are done
   *     writing
   */
  public byte[] buffer() {
    return output.getBuffer();
  }

  /**
   * Appends the low 8 bits of {@code value}.
   *
   * @throws SerdeException if the buffer cannot grow (past 2 GiB)
   */
  public void writeByte(int value) {
    try {
      output.writeByte(value);
    } catch (KryoException e) {
      throw full(1, e);
    }
  }

  /**
   * Appends {@code bytes[offset, offset + length)}.
   *
   * @throws IndexOutOfBoundsException if the range is not inside {@code bytes}
   * @throws SerdeException if the buffer cannot grow (past 2 GiB)
   */
  public void writeBytes(byte[] bytes, int offset, int length) {
    java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
    try {
      output.writeBytes(bytes, offset, length);
    } catch (KryoException e) {
      throw full(length, e);
    }
  }

  /**
   * Appends all of {@code bytes}.
   *
   * @throws SerdeException if the buffer cannot grow (past 2 GiB)
   */
  public void writeBytes(byte[] bytes) {
    writeBytes(bytes, 0, bytes.length);
  }

  /** Forgets what was written (the position goes back to 0), keeping the buffer. */
  public void clear() {
    output.reset();
  }

  /** For {@link KryoSerde}: the Output to serialize into. */
  Output output() {
    return output;
  }

  private SerdeException full(int more, KryoException e) {
    return new SerdeException("Cannot append " + more + " bytes to a byte sink holding "
        + output.position() + " bytes: " + e.getMessage(), e);
  }
}
