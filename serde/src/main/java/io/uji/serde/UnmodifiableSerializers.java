package io.uji.serde;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Serializers for {@code Collections.unmodifiable*} views. They copy the elements rather than
 * reach into the wrapper's private field (that would need {@code --add-opens java.base}). A view
 * reads back as an unmodifiable view over an ArrayList, an insertion-ordered LinkedHashSet or
 * LinkedHashMap: equal to the original, but a sorted backing collection is not kept sorted.
 * Elements are written with their class id, so they must be registered too.
 */
final class UnmodifiableSerializers {

  private UnmodifiableSerializers() {}

  static final class ListSerializer extends Serializer<Collection<Object>> {
    ListSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, Collection<Object> c) {
      output.writeVarInt(c.size(), true);
      for (Object o : c) {
        kryo.writeClassAndObject(output, o);
      }
    }

    @Override
    public Collection<Object> read(Kryo kryo, Input input, Class<? extends Collection<Object>> t) {
      int n = input.readVarInt(true);
      List<Object> list = new ArrayList<>(Math.min(n, 1 << 16));
      for (int i = 0; i < n; i++) {
        list.add(kryo.readClassAndObject(input));
      }
      return Collections.unmodifiableList(list);
    }
  }

  static final class SetSerializer extends Serializer<Set<Object>> {
    SetSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, Set<Object> s) {
      output.writeVarInt(s.size(), true);
      for (Object o : s) {
        kryo.writeClassAndObject(output, o);
      }
    }

    @Override
    public Set<Object> read(Kryo kryo, Input input, Class<? extends Set<Object>> t) {
      int n = input.readVarInt(true);
      Set<Object> set = new LinkedHashSet<>();
      for (int i = 0; i < n; i++) {
        set.add(kryo.readClassAndObject(input));
      }
      return Collections.unmodifiableSet(set);
    }
  }

  static final class MapSerializer extends Serializer<Map<Object, Object>> {
    MapSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, Map<Object, Object> m) {
      output.writeVarInt(m.size(), true);
      for (Map.Entry<Object, Object> e : m.entrySet()) {
        kryo.writeClassAndObject(output, e.getKey());
        kryo.writeClassAndObject(output, e.getValue());
      }
    }

    @Override
    public Map<Object, Object> read(Kryo kryo, Input input, Class<? extends Map<Object, Object>> t) {
      int n = input.readVarInt(true);
      Map<Object, Object> map = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        map.put(kryo.readClassAndObject(input), kryo.readClassAndObject(input));
      }
      return Collections.unmodifiableMap(map);
    }
  }
}
