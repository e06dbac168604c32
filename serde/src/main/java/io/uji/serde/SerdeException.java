package io.uji.serde;

/** A value could not be serialized or deserialized; the message names the type and the cause. */
public class SerdeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SerdeException(String message, Throwable cause) {
    super(message, cause);
  }

  public SerdeException(String message) {
    super(message);
  }
}
