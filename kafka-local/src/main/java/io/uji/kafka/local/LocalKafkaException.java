package io.uji.kafka.local;

/**
 * The one unchecked exception of this module: a local broker or broker process could not be
 * started, stopped or reached, or the event loader failed. The message names the operation and
 * the directory, address or topic concerned.
 */
public final class LocalKafkaException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed, naming the operation and the directory, address or topic
   */
  public LocalKafkaException(String message) {
    super(message);
  }

  /**
   * @param message what failed, naming the operation and the directory, address or topic
   * @param cause Kafka's or the file system's error
   */
  public LocalKafkaException(String message, Throwable cause) {
    super(message, cause);
  }
}
