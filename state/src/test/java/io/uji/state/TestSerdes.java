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
}
