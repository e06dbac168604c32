package io.uji.engine.state;

import io.uji.streaming.StreamingException;
import java.lang.reflect.Modifier;

/**
 * The key and state types of one stateful operator: those the program declares, those its
 * checkpoint recorded, and how its keys are encoded in its table.
 *
 * <p>The key encoding is a property of the stored data, not of the program: keys of a declared
 * final class are stored without a class id ({@link KeyEncoding#EXACT}), others with one ({@link
 * KeyEncoding#TAGGED}), and once a table holds keys of one encoding every later start must read
 * them so, whatever the program now declares. So the encoding is recorded with the types in every
 * checkpoint, as the suffix of the operator's type signature: {@code
 * "java.lang.String/java.lang.Long keys=exact"}. A signature without the suffix was written
 * before it existed; its encoding is the one its program implied (exact if the types are
 * declared now, as they must have been then).
 */
final class StateTypes {
  /** How a table's keys are serialized. */
  enum KeyEncoding {
    /** The key alone: its class is the declared final key class. */
    EXACT,
    /** A class id, then the key. */
    TAGGED;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * A type signature as recorded in a checkpoint.
   *
   * @param keyClass the key class's name
   * @param stateClass the state class's name
   * @param encoding the key encoding, or null if recorded before encodings were
   */
  record Signature(String keyClass, String stateClass, KeyEncoding encoding) {
    private static final String SUFFIX = " keys=";

    /** @return the signature in {@code s}, or null if {@code s} is null */
    static Signature parse(String s) {
      if (s == null) {
        return null;
      }
      KeyEncoding encoding = null;
      String types = s;
      int at = s.indexOf(SUFFIX);
      if (at >= 0) {
        types = s.substring(0, at);
        encoding = KeyEncoding.valueOf(s.substring(at + SUFFIX.length()).toUpperCase(java.util.Locale.ROOT));
      }
      int slash = types.indexOf('/');
      return new Signature(types.substring(0, slash), types.substring(slash + 1), encoding);
    }

    String format() {
      return keyClass + "/" + stateClass + (encoding == null ? "" : SUFFIX + encoding.label());
    }

    String types() {
      return keyClass + "/" + stateClass;
    }
  }

  private StateTypes() {}

  /**
   * Decides the class the table's key serde is built for: the data's encoding wins over the
   * program's declaration.
   *
   * @param declaredKey the key class the program declares, or null
   * @param restored the signature of the restored checkpoint, or null on a fresh start
   * @return the class for the key serde: an exact class, or {@code Object.class} for tagged keys
   * @throws StreamingException if the checkpoint's keys are exact and their class cannot be loaded
   */
  static Class<?> keySerdeType(Class<?> declaredKey, Signature restored, String operator) {
    KeyEncoding encoding = restored == null || restored.encoding() == null
        ? (declaredKey != null && isExact(declaredKey) ? KeyEncoding.EXACT : KeyEncoding.TAGGED)
        : restored.encoding();
    if (encoding == KeyEncoding.TAGGED) {
      return Object.class;
    }
    if (restored == null || declaredKey != null && declaredKey.getName().equals(restored.keyClass())) {
      return declaredKey;
    }
    return load(restored.keyClass(), operator);
  }

  /** @return the encoding a key serde for {@code type} writes */
  static KeyEncoding encodingOf(Class<?> keySerdeType) {
    return isExact(keySerdeType) ? KeyEncoding.EXACT : KeyEncoding.TAGGED;
  }

  /** Mirrors {@code KryoSerde}: a final class is written without a class id. */
  private static boolean isExact(Class<?> c) {
    return c != Object.class && Modifier.isFinal(c.getModifiers()) && !c.isPrimitive();
  }

  /**
   * Refuses a program whose declared types cannot hold what the checkpoint holds.
   *
   * @throws StreamingException if a restored class is not (or not a subtype of) the declared one
   */
  static void checkDeclared(Class<?> key, Class<?> state, Signature restored, String operator) {
    if (restored == null) {
      return;
    }
    if (!holds(key, restored.keyClass()) || !holds(state, restored.stateClass())) {
      throw new StreamingException("The stateful operator " + operator + " declares the key/state types "
          + key.getName() + "/" + state.getName() + " but its checkpoint holds " + restored.types()
          + "; a program cannot change the types of its state (rename the operator to start its state afresh)");
    }
  }

  private static boolean holds(Class<?> declared, String restoredClass) {
    if (declared.getName().equals(restoredClass)) {
      return true;
    }
    try {
      return declared.isAssignableFrom(Class.forName(restoredClass, false, loader(declared)));
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  private static Class<?> load(String name, String operator) {
    try {
      return Class.forName(name, false, loader(StateTypes.class));
    } catch (ClassNotFoundException e) {
      throw new StreamingException("The checkpoint of the stateful operator " + operator + " holds keys of " + name
          + ", which this program does not have", e);
    }
  }

  private static ClassLoader loader(Class<?> fallback) {
    ClassLoader l = Thread.currentThread().getContextClassLoader();
    return l != null ? l : fallback.getClassLoader();
  }
}
