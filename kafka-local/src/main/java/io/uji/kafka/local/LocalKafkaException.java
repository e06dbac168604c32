package io.uji.kafka.local;

/**
 * The one unchecked exception of this module: a local broker or broker process could not be
 * started, stopped or reached, or the event loader failed. The message names the operation and
 * the directory, address or topic concerned.
 */
public final class LocalKafkaException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LocalKafkaException(String message) {
    super(message);
  }

  public LocalKafkaException(String message, Throwable cause) {
    super(message, cause);
  }
}
