package io.uji.streaming;

/** A batch or the scheduler failed and the context stopped; {@link #getCause()} is the original error. */
public class StreamingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed, naming the operation, batch time or file concerned
   * @param cause the original error
   */
  public StreamingException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * @param message what failed and, when the user can act on it, what to change
   */
  public StreamingException(String message) {
    super(message);
  }
}
