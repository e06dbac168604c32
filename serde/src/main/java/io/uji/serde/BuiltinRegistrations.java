package io.uji.serde;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers;
import com.esotericsoftware.kryo.serializers.ImmutableCollectionsSerializers;
import com.esotericsoftware.kryo.serializers.OptionalSerializers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Uji's built-in registrations, ids 10..49. The table below is a durable format: append new
 * slots, never renumber or reuse one.
 *
 * <p>JDK-private classes (List.of's {@code List12}/{@code ListN}, ...) are found from sample
 * instances. Each sample owns a slot; a slot whose sample's class is already registered by an
 * earlier slot (a JDK may return the same class for two samples) is left empty, so the other
 * ids do not shift.
 */
final class BuiltinRegistrations {

  private record Slot(int id, Class<?> type, Supplier<? extends Serializer<?>> serializer) {}

  private static final List<Slot> SLOTS = slots();

  private BuiltinRegistrations() {}

  private static List<Slot> slots() {
    List<Slot> s = new ArrayList<>();
    s.add(new Slot(10, byte[].class, null));
    s.add(new Slot(11, long[].class, null));
    s.add(new Slot(12, int[].class, null));
    s.add(new Slot(13, String[].class, null));
    s.add(new Slot(14, Object[].class, null));
    s.add(new Slot(15, ArrayList.class, null));
    s.add(new Slot(16, LinkedList.class, null));
    s.add(new Slot(17, HashMap.class, null));
    s.add(new Slot(18, LinkedHashMap.class, null));
    s.add(new Slot(19, HashSet.class, null));
    s.add(new Slot(20, TreeMap.class, null));
    s.add(new Slot(21, Optional.class, OptionalSerializers.OptionalSerializer::new));
    s.add(new Slot(22, List.of().getClass(), null));
    s.add(new Slot(23, List.of(1).getClass(), null));
    s.add(new Slot(24, List.of(1, 2, 3).getClass(), null));
    s.add(new Slot(25, List.of(1, 2, 3, 4).subList(0, 2).getClass(), null));
    s.add(new Slot(26, Set.of().getClass(), null));
    s.add(new Slot(27, Set.of(1).getClass(), null));
    s.add(new Slot(28, Set.of(1, 2, 3).getClass(), null));
    s.add(new Slot(29, Map.of().getClass(), null));
    s.add(new Slot(30, Map.of(1, 2).getClass(), null));
    s.add(new Slot(31, Map.of(1, 2, 3, 4).getClass(), null));
    s.add(new Slot(32, Collections.emptyList().getClass(),
        DefaultSerializers.CollectionsEmptyListSerializer::new));
    s.add(new Slot(33, Collections.emptySet().getClass(),
        DefaultSerializers.CollectionsEmptySetSerializer::new));
    s.add(new Slot(34, Collections.emptyMap().getClass(),
        DefaultSerializers.CollectionsEmptyMapSerializer::new));
    s.add(new Slot(35, Collections.singletonList(1).getClass(),
        DefaultSerializers.CollectionsSingletonListSerializer::new));
    s.add(new Slot(36, Collections.singleton(1).getClass(),
        DefaultSerializers.CollectionsSingletonSetSerializer::new));
    s.add(new Slot(37, Collections.singletonMap(1, 2).getClass(),
        DefaultSerializers.CollectionsSingletonMapSerializer::new));
    s.add(new Slot(38, Collections.unmodifiableList(new ArrayList<>()).getClass(),
        UnmodifiableSerializers.ListSerializer::new));
    s.add(new Slot(39, Collections.unmodifiableList(new LinkedList<>()).getClass(),
        UnmodifiableSerializers.ListSerializer::new));
    s.add(new Slot(40, Collections.unmodifiableSet(new HashSet<>()).getClass(),
        UnmodifiableSerializers.SetSerializer::new));
    s.add(new Slot(41, Collections.unmodifiableMap(new HashMap<>()).getClass(),
        UnmodifiableSerializers.MapSerializer::new));
    s.add(new Slot(42, LinkedHashSet.class, null));
    s.add(new Slot(43, TreeSet.class, null));
    s.add(new Slot(44, double[].class, null));
    s.add(new Slot(45, Arrays.asList(1, 2).getClass(),
        DefaultSerializers.ArraysAsListSerializer::new));
    s.add(new Slot(46, boolean[].class, null));
    s.add(new Slot(47, Collections.unmodifiableCollection(new ArrayList<>()).getClass(),
        UnmodifiableSerializers.ListSerializer::new));
    // Drop slots whose class an earlier slot already holds (see class javadoc).
    Set<Class<?>> seen = new HashSet<>();
    s.removeIf(slot -> !seen.add(slot.type()));
    return List.copyOf(s);
  }

  /** Registers every built-in on {@code kryo}, which must be fresh. */
  static void apply(Kryo kryo) {
    // Lets Kryo pick JdkImmutable{List,Set,Map}Serializer for the List.of/Set.of/Map.of classes
    // when they are registered below by id.
    ImmutableCollectionsSerializers.addDefaultSerializers(kryo);
    for (Slot slot : SLOTS) {
      if (slot.serializer() == null) {
        kryo.register(slot.type(), slot.id());
      } else {
        kryo.register(slot.type(), slot.serializer().get(), slot.id());
      }
    }
  }

  /** @return the built-in classes (plus the boxed types Kryo registers itself) */
  static Set<Class<?>> classes() {
    Set<Class<?>> out = new HashSet<>(List.of(String.class, Integer.class, Long.class,
        Short.class, Byte.class, Double.class, Float.class, Boolean.class, Character.class,
        Void.class));
    SLOTS.forEach(s -> out.add(s.type()));
    return out;
  }

  /** @return every reserved id below 50 with the class holding it (for duplicate checks) */
  static Map<Integer, Class<?>> ids() {
    Map<Integer, Class<?>> out = new HashMap<>();
    SLOTS.forEach(s -> out.put(s.id(), s.type()));
    return out;
  }
}
