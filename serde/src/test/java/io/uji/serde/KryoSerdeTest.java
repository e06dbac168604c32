package io.uji.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
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
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class KryoSerdeTest {

  record Point(long x, long y) {}

  record Tagged(String name, Optional<Point> where, List<Point> path, Map<String, Long> counts) {}

  enum Color { RED, GREEN }

  static final class NotRegistered {
    int v = 1;
  }

  private static final KryoPool POOL = new KryoPool(KryoRegistry.builder()
      .register(Point.class, 100)
      .register(Tagged.class, 101)
      .register(Color.class, 102)
      .build());

  private static final KryoSerde<Object> ANY = new KryoSerde<>(POOL, Object.class);

  private static Object roundTrip(Object value) {
    return ANY.fromBytes(ANY.toBytes(value));
  }

  @Test
  void shouldRoundTripEveryBuiltin() {
    List<Object> values = List.of(
        "text", 1L, 2, (short) 3, (byte) 4, 5.5d, 6.5f, true, 'c',
        new ArrayList<>(List.of(1, "a")), new LinkedList<>(List.of(2L)),
        new HashMap<>(Map.of("k", 1)), new LinkedHashMap<>(Map.of("k", 2)),
        new HashSet<>(Set.of(1, 2)), new TreeMap<>(Map.of("a", 1, "b", 2)),
        new LinkedHashSet<>(List.of(3, 1)), new TreeSet<>(Set.of(5, 4)),
        Optional.of("x"), Optional.empty(),
        List.of(), List.of(1), List.of(1, 2, 3), List.of(1, 2, 3, 4).subList(1, 3),
        Set.of(), Set.of(1), Set.of(1, 2, 3), Map.of(), Map.of(1, 2), Map.of(1, 2, 3, 4),
        Collections.emptyList(), Collections.emptySet(), Collections.emptyMap(),
        Collections.singletonList(1), Collections.singleton(2), Collections.singletonMap(3, 4),
        Collections.unmodifiableList(new ArrayList<>(List.of(1, 2))),
        Collections.unmodifiableList(new LinkedList<>(List.of(1, 2))),
        Collections.unmodifiableSet(new HashSet<>(Set.of(1, 2))),
        Collections.unmodifiableMap(new HashMap<>(Map.of(1, 2))),
        Arrays.asList(1, 2));
    for (Object v : values) {
      assertEquals(v, roundTrip(v), () -> "round trip of " + v.getClass().getName());
    }
  }

  @Test
  void shouldRoundTripArrays() {
    assertArrayEquals(new byte[] {1, 2}, (byte[]) roundTrip(new byte[] {1, 2}));
    assertArrayEquals(new long[] {1, 2}, (long[]) roundTrip(new long[] {1, 2}));
    assertArrayEquals(new int[] {1, 2}, (int[]) roundTrip(new int[] {1, 2}));
    assertArrayEquals(new String[] {"a", null}, (String[]) roundTrip(new String[] {"a", null}));
    assertArrayEquals(new Object[] {"a", 1L}, (Object[]) roundTrip(new Object[] {"a", 1L}));
    assertArrayEquals(new double[] {1.5}, (double[]) roundTrip(new double[] {1.5}));
  }

  @Test
  void shouldKeepImmutableCollectionsImmutable() {
    Object back = roundTrip(List.of(1, 2, 3));
    assertThrows(UnsupportedOperationException.class, () -> ((List<Object>) back).add(4));
  }

  @Test
  void shouldRoundTripNestedRecordsWithOptionalAndImmutableCollections() {
    Tagged t = new Tagged("t", Optional.of(new Point(1, 2)),
        List.of(new Point(3, 4), new Point(5, 6)), Map.of("a", 7L));
    KryoSerde<Tagged> serde = new KryoSerde<>(POOL, Tagged.class);
    assertEquals(t, serde.fromBytes(serde.toBytes(t)));
    assertEquals(t, roundTrip(t));
    assertEquals(Color.GREEN, roundTrip(Color.GREEN));
  }

  @Test
  void shouldWriteNoClassIdForFinalTypes() {
    KryoSerde<Point> exact = new KryoSerde<>(POOL, Point.class);
    byte[] exactBytes = exact.toBytes(new Point(1, 2));
    byte[] withClass = ANY.toBytes(new Point(1, 2));
    assertTrue(exactBytes.length < withClass.length);
  }

  @Test
  void shouldNameTheClassAndTheRemedyWhenSerializingAnUnregisteredClass() {
    SerdeException e = assertThrows(SerdeException.class, () -> ANY.toBytes(new NotRegistered()));
    assertTrue(e.getMessage().contains(NotRegistered.class.getName()), e.getMessage());
    assertTrue(e.getMessage().contains("register it with a fixed id >= 100"), e.getMessage());
    assertEquals(NotRegistered.class.getName(), ((UnregisteredClassException) e).className());
  }

  @Test
  void shouldGiveTheRegistryOwnersAdviceForAnUnregisteredClass() {
    KryoPool pool = new KryoPool(KryoRegistry.builder().howToRegister(c -> "call Config.register(" + c + ")").build());
    SerdeException e = assertThrows(SerdeException.class,
        () -> new KryoSerde<>(pool, Object.class).toBytes(new NotRegistered()));
    assertTrue(e.getMessage().endsWith("call Config.register(" + NotRegistered.class.getName() + ")"), e.getMessage());
    assertFalse(e.getMessage().contains("KryoRegistry"), e.getMessage());
  }

  @Test
  void shouldNameTheNestedUnregisteredClass() {
    SerdeException e = assertThrows(SerdeException.class,
        () -> ANY.toBytes(List.of(new NotRegistered())));
    assertTrue(e.getMessage().contains(NotRegistered.class.getName()), e.getMessage());
  }

  @Test
  void shouldRefuseASerdeForAnUnregisteredFinalClass() {
    SerdeException e = assertThrows(SerdeException.class,
        () -> new KryoSerde<>(POOL, NotRegistered.class));
    assertTrue(e.getMessage().contains(NotRegistered.class.getName()));
  }

  @Test
  void shouldFailClearlyOnBytesNamingAnUnregisteredId() {
    Output out = new Output(16);
    out.writeVarInt(4242 + 2, true); // Kryo writes class ids + 2 (0 = null, 1 = reference)
    SerdeException e = assertThrows(SerdeException.class, () -> ANY.fromBytes(out.toBytes()));
    assertTrue(e.getMessage().contains("not registered"), e.getMessage());
    assertTrue(e.getMessage().contains("4242"), e.getMessage());
  }

  @Test
  void shouldNotReadBytesWrittenWithAnotherProgramsRegistrations() {
    KryoPool other = new KryoPool(KryoRegistry.builder().register(Point.class, 100).build());
    byte[] bytes = new KryoSerde<>(other, Object.class).toBytes(new Point(1, 2));
    KryoPool without = new KryoPool(KryoRegistry.builtinsOnly());
    assertThrows(SerdeException.class, () -> new KryoSerde<>(without, Object.class).fromBytes(bytes));
  }

  @Test
  void shouldRejectTrailingBytes() {
    KryoSerde<Point> serde = new KryoSerde<>(POOL, Point.class);
    byte[] bytes = serde.toBytes(new Point(1, 2));
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    assertThrows(SerdeException.class, () -> serde.fromBytes(longer));
  }

  @Test
  void shouldRejectAValueOfAnotherClassForAFinalType() {
    @SuppressWarnings({"unchecked", "rawtypes"})
    KryoSerde<Object> raw = (KryoSerde) new KryoSerde<>(POOL, Point.class);
    assertThrows(SerdeException.class, () -> raw.toBytes("not a point"));
  }

  @Test
  void shouldWriteManyValuesIntoOneSinkAndReadThemBack() {
    KryoSerde<Point> serde = new KryoSerde<>(POOL, Point.class);
    ByteSink sink = new ByteSink(16); // grows many times
    for (int i = 0; i < 1000; i++) {
      serde.write(new Point(i, -i), sink);
    }
    Input in = new Input(sink.buffer(), 0, sink.position());
    for (int i = 0; i < 1000; i++) {
      assertEquals(new Point(i, -i), serde.read(in));
    }
    assertEquals(sink.position(), in.position());
  }

  @Test
  void shouldWriteIntoASinkTheBytesOfToBytes() {
    KryoSerde<Object> any = ANY;
    List<Object> values = List.of("user-1", 42L, new Point(3, 4), List.of(new Point(1, 2)), Map.of("k", 1L));
    ByteSink sink = new ByteSink(0);
    for (Object v : values) {
      int start = sink.position();
      any.write(v, sink);
      assertArrayEquals(any.toBytes(v), Arrays.copyOfRange(sink.buffer(), start, sink.position()), String.valueOf(v));
    }
  }

  @Test
  void shouldReportAnUnregisteredClassWrittenIntoASink() {
    ByteSink sink = new ByteSink(16);
    SerdeException e = assertThrows(SerdeException.class, () -> ANY.write(new NotRegistered(), sink));
    assertTrue(e.getMessage().contains(NotRegistered.class.getName()), e.getMessage());
  }

  @Test
  void shouldSerializeConcurrentlyFromManyThreads() throws Exception {
    KryoSerde<Tagged> serde = new KryoSerde<>(POOL, Tagged.class);
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Callable<Void>> tasks = new ArrayList<>();
      for (int t = 0; t < 32; t++) {
        int seed = t;
        tasks.add(() -> {
          for (int i = 0; i < 2000; i++) {
            Tagged v = new Tagged("n" + seed + "-" + i, Optional.of(new Point(seed, i)),
                List.of(new Point(i, seed)), Map.of("i", (long) i));
            assertEquals(v, serde.fromBytes(serde.toBytes(v)));
          }
          return null;
        });
      }
      for (Future<Void> f : pool.invokeAll(tasks)) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void stringKeysAreTheBytesOfKryosOwnStringSerializerBothWays() {
    KryoSerde<String> strings = new KryoSerde<>(POOL, String.class);
    com.esotericsoftware.kryo.Kryo kryo = POOL.registry().newKryo();
    String longAscii = "user-".repeat(100);
    for (String s : List.of("", "a", "user-123456", "é-ü-日本", "\u0000x", longAscii, longAscii + "é")) {
      Output expected = new Output(64, -1);
      kryo.writeObject(expected, s);
      byte[] bytes = strings.toBytes(s);
      assertArrayEquals(expected.toBytes(), bytes, s);
      assertEquals(s, strings.fromBytes(bytes));
      assertEquals(s, kryo.readObject(new Input(bytes), String.class));
    }
  }

  @Test
  void stringSerdeStillRefusesNullAndOtherTypesAndTrailingBytes() {
    @SuppressWarnings({"unchecked", "rawtypes"})
    KryoSerde<Object> raw = (KryoSerde) new KryoSerde<>(POOL, String.class);
    assertThrows(SerdeException.class, () -> raw.toBytes(null));
    assertThrows(SerdeException.class, () -> raw.toBytes(42L));
    byte[] bytes = raw.toBytes("abc");
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    assertThrows(SerdeException.class, () -> raw.fromBytes(longer));
    assertThrows(SerdeException.class, () -> raw.fromBytes(bytes, 0, bytes.length - 1));
  }
}
