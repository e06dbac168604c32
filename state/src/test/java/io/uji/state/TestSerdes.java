package io.uji.state;

import io.uji.serde.Serde;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Small hand-written serdes for tests. */
final class TestSerdes {
  private TestSerdes() {}

  static final Serde<String> STRING = new Serde<>() {
    @Override
    public byte[] toBytes(String value) {
      return value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String fromBytes(byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  };

  static final Serde<Long> LONG = new Serde<>() {
    @Override
    public byte[] toBytes(Long value) {
      return ByteBuffer.allocate(8).putLong(value).array();
    }

    @Override
    public Long fromBytes(byte[] bytes) {
      return ByteBuffer.wrap(bytes).getLong();
    }
  };

  /** A mutable state, as a user's updateStateByKey may keep. */
  static final Serde<long[]> LONGS = new Serde<>() {
    @Override
    public byte[] toBytes(long[] value) {
      ByteBuffer b = ByteBuffer.allocate(8 * value.length);
      for (long v : value) {
        b.putLong(v);
      }
      return b.array();
    }

    @Override
    public long[] fromBytes(byte[] bytes) {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      long[] out = new long[bytes.length / 8];
      for (int i = 0; i < out.length; i++) {
        out[i] = b.getLong();
      }
      return out;
    }
  };
}
