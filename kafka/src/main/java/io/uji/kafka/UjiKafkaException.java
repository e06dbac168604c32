package io.uji.kafka;

import io.uji.streaming.StreamingException;

/**
 * The Kafka module's error: the message names the operation, the topic or partition, and the
 * transactional id or the offsets concerned. Lost records are a
 * {@link io.uji.streaming.SourceDataLostException} instead.
 */
public class UjiKafkaException extends StreamingException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed: the operation, the topic or partition, and the transactional id
   *     or offsets concerned
   * @param cause the Kafka client's error
   */
  public UjiKafkaException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * @param message what failed: the operation, the topic or partition, and the transactional id
   *     or offsets concerned
   */
  public UjiKafkaException(String message) {
    super(message);
  }
}
