package io.uji.serde;

/**
 * A value holds (or a serde was asked for) a class that the registry does not register, so it
 * cannot be serialized. The message names the class and says how to register it, in the words
 * of the registry's user ({@link KryoRegistry.Builder#howToRegister}).
 */
public final class UnregisteredClassException extends SerdeException {
  private static final long serialVersionUID = 1L;

  private final String className;

  UnregisteredClassException(String className, String message, Throwable cause) {
    super(message, cause);
    this.className = className;
  }

  /** @return the binary name of the class that is not registered (possibly nested in the value) */
  public String className() {
    return className;
  }
}
