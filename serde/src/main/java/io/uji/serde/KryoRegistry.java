package io.uji.serde;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.objenesis.strategy.StdInstantiatorStrategy;

/**
 * An immutable set of Kryo registrations, each a class bound to a fixed id (and optionally a
 * serializer). Every Kryo instance Uji uses is configured here and only here.
 *
 * <p>Id ranges (the id, never the class name, is what the bytes hold, so an id must never be
 * reused for another class once data was written with it):
 *
 * <pre>
 *   0 ..   9  Kryo's own defaults: int/Integer, String, float/Float, boolean/Boolean,
 *             byte/Byte, char/Character, short/Short, long/Long, double/Double, void
 *  10 ..  49  Uji's built-ins (see BuiltinRegistrations): arrays, JDK collections,
 *             Optional, List.of/Set.of/Map.of, Collections.empty/singleton/unmodifiable
 *  50 ..  99  Uji modules' internal types, via {@link Builder#registerInternal}
 * 100 ..      user types, via {@link Builder#register}
 * </pre>
 *
 * <p>Records are serialized with Kryo's {@code RecordSerializer} (through their public
 * accessors and canonical constructor, so no {@code --add-opens} is needed on Java 17); other
 * classes registered without a serializer use Kryo's {@code FieldSerializer}.
 *
 * <p>{@link #fingerprint()} lets a checkpoint written by one program detect that another
 * program registers classes differently, before it misreads any bytes.
 */
public final class KryoRegistry {

  /** The lowest id a user registration may take. */
  public static final int FIRST_USER_ID = 100;
  /** The lowest id an internal (Uji module) registration may take. */
  public static final int FIRST_INTERNAL_ID = 50;

  private final List<Entry> entries;
  private final String fingerprint;
  private final Function<String, String> howToRegister;

  private KryoRegistry(List<Entry> entries, Function<String, String> howToRegister) {
    this.entries = List.copyOf(entries);
    this.howToRegister = howToRegister;
    this.fingerprint = computeFingerprint(newKryo());
  }

  /**
   * @param className the binary name of a class that is not registered
   * @return the sentence that tells whoever configures this registry how to register it (see
   *     {@link Builder#howToRegister})
   */
  public String howToRegister(String className) {
    return howToRegister.apply(className);
  }

  /** @return a builder holding only the built-ins */
  public static Builder builder() {
    return new Builder();
  }

  /** @return a registry holding only the built-ins */
  public static KryoRegistry builtinsOnly() {
    return builder().build();
  }

  /**
   * Creates a new, fully configured Kryo instance. Kryo instances are not thread-safe: use a
   * {@link KryoPool} rather than sharing one.
   *
   * @return a Kryo with registration required, references off and every registration applied
   */
  public Kryo newKryo() {
    Kryo kryo = new Kryo();
    kryo.setRegistrationRequired(true);
    // Uji values are trees (records, collections, boxed values). Reference tracking would cost a
    // map lookup per object and is only needed for shared or cyclic graphs, which we do not
    // support: a cyclic value fails with a StackOverflowError while writing.
    kryo.setReferences(false);
    // Classes without a no-arg constructor (common for user value classes) are still
    // instantiable; objenesis uses jdk.unsupported, which Java 17 exports without --add-opens.
    kryo.setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
    BuiltinRegistrations.apply(kryo);
    for (Entry e : entries) {
      if (e.serializer() == null) {
        kryo.register(e.type(), e.id());
      } else {
        kryo.register(e.type(), e.serializer().get(), e.id());
      }
    }
    return kryo;
  }

  /**
   * @param type a class
   * @return whether values of exactly {@code type} can be serialized with this registry
   */
  public boolean isRegistered(Class<?> type) {
    return newKryoForLookup().getClassResolver().getRegistration(type) != null;
  }

  /**
   * A stable digest of every (id, class name, serializer class name) this registry binds,
   * built-ins included. Two programs with the same fingerprint read each other's bytes.
   *
   * @return a lowercase hex SHA-256 string
   */
  public String fingerprint() {
    return fingerprint;
  }

  private Kryo lookupKryo;

  // A registry is immutable, so one Kryo instance serves all lookups; synchronized because Kryo's
  // class resolver is not thread-safe even for reads (it caches the last lookup).
  private synchronized Kryo newKryoForLookup() {
    if (lookupKryo == null) {
      lookupKryo = newKryo();
    }
    return lookupKryo;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KryoRegistry other && other.fingerprint.equals(fingerprint);
  }

  @Override
  public int hashCode() {
    return fingerprint.hashCode();
  }

  @Override
  public String toString() {
    return "KryoRegistry[" + entries.size() + " registrations, fingerprint=" + fingerprint + "]";
  }

  private String computeFingerprint(Kryo kryo) {
    // Ids are sparse (internal from 50, users from 100): the reserved range is scanned whole,
    // so a change in Kryo's defaults or Uji's built-ins changes the fingerprint too.
    List<Integer> ids = new ArrayList<>();
    for (int id = 0; id < FIRST_INTERNAL_ID; id++) {
      ids.add(id);
    }
    entries.stream().map(Entry::id).sorted().forEach(ids::add);
    StringBuilder sb = new StringBuilder();
    for (int id : ids) {
      Registration r = kryo.getRegistration(id);
      if (r != null) {
        sb.append(id).append(':').append(r.getType().getName()).append(':')
            .append(r.getSerializer().getClass().getName()).append('\n');
      }
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(sb.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  record Entry(int id, Class<?> type, Supplier<? extends Serializer<?>> serializer) {}

  /** Collects registrations; {@link #build()} validates nothing more, every check is eager. */
  public static final class Builder {
    private final List<Entry> entries = new ArrayList<>();
    private Function<String, String> howToRegister = className -> "register it with a fixed id >= "
        + FIRST_USER_ID + " (ids must never change once data was written with them)";
    private final Map<Integer, Class<?>> byId = new HashMap<>();
    private final Set<Class<?>> classes = new HashSet<>(BuiltinRegistrations.classes());

    private Builder() {
      byId.putAll(BuiltinRegistrations.ids());
    }

    /**
     * Registers a user class with Kryo's default serializer for it (RecordSerializer for
     * records, EnumSerializer for enums, FieldSerializer otherwise).
     *
     * @param type the class; each class may be registered once
     * @param id its fixed id, at least {@link #FIRST_USER_ID}; never reuse an id for another class
     * @return this builder
     * @throws IllegalArgumentException if {@code id < 100}, or the id or class is already taken
     */
    public Builder register(Class<?> type, int id) {
      return register(type, id, null);
    }

    /**
     * Registers a user class with its own serializer.
     *
     * @param serializer makes one serializer per pooled Kryo instance (serializers may keep
     *     per-instance state), or {@code null} for Kryo's default
     * @throws IllegalArgumentException if {@code id < 100}, or the id or class is already taken
     */
    public Builder register(Class<?> type, int id, Supplier<? extends Serializer<?>> serializer) {
      if (id < FIRST_USER_ID) {
        throw new IllegalArgumentException("Kryo id " + id + " for " + type.getName()
            + " is reserved for Uji; user registrations take ids >= " + FIRST_USER_ID);
      }
      return add(type, id, serializer);
    }

    /**
     * Registers a type internal to a Uji module (for example a WAL position or lineage record).
     *
     * @param id in {@code [50, 99]}
     * @throws IllegalArgumentException if the id is outside that range or already taken, or
     *     the class is already registered
     */
    public Builder registerInternal(Class<?> type, int id) {
      return registerInternal(type, id, null);
    }

    /**
     * As {@link #registerInternal(Class, int)}, with a serializer factory.
     *
     * @throws IllegalArgumentException if the id is outside {@code [50, 99]} or already taken,
     *     or the class is already registered
     */
    public Builder registerInternal(
        Class<?> type, int id, Supplier<? extends Serializer<?>> serializer) {
      if (id < FIRST_INTERNAL_ID || id >= FIRST_USER_ID) {
        throw new IllegalArgumentException("internal Kryo id " + id + " for " + type.getName()
            + " must be in [" + FIRST_INTERNAL_ID + ", " + (FIRST_USER_ID - 1) + "]");
      }
      return add(type, id, serializer);
    }

    private Builder add(Class<?> type, int id, Supplier<? extends Serializer<?>> serializer) {
      Objects.requireNonNull(type, "type");
      if (type.isPrimitive()) {
        throw new IllegalArgumentException("primitive " + type + " is built in");
      }
      Class<?> holder = byId.get(id);
      if (holder != null) {
        throw new IllegalArgumentException("Kryo id " + id + " is already taken by "
            + holder.getName() + "; cannot register " + type.getName());
      }
      if (!classes.add(type)) {
        throw new IllegalArgumentException(type.getName() + " is already registered");
      }
      byId.put(id, type);
      entries.add(new Entry(id, type, serializer));
      return this;
    }

    /**
     * Sets what an error about an unregistered class tells the user to do, in the words of the
     * API that collects the registrations (an application registers through its own
     * configuration, never through this builder).
     *
     * @param advice maps the class name to a sentence such as "register it with
     *     {@code Config.register(com.acme.Click.class, id)}"
     * @return this builder
     */
    public Builder howToRegister(Function<String, String> advice) {
      howToRegister = Objects.requireNonNull(advice, "advice");
      return this;
    }

    /** @return the immutable registry */
    public KryoRegistry build() {
      return new KryoRegistry(entries, howToRegister);
    }
  }
}
