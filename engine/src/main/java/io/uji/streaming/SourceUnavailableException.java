package io.uji.streaming;

/**
 * A {@link ReplayableSource} cannot be reached for now (a broker is down, say). The batch being
 * generated takes nothing from it; the context keeps running and asks again at the next batch.
 */
public class SourceUnavailableException extends StreamingException {
  private static final long serialVersionUID = 1L;

  /**
   * Thrown by a {@link ReplayableSource} when it cannot answer for now.
   *
   * @param message what could not be reached, in the source's terms (the broker, the topic)
   * @param cause the client's error, or null
   */
  public SourceUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
