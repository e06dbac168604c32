package io.uji.streaming;

/** A batch or the scheduler failed and the context stopped; {@link #getCause()} is the original error. */
public class StreamingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StreamingException(String message, Throwable cause) {
    super(message, cause);
  }

  public StreamingException(String message) {
    super(message);
  }
}
