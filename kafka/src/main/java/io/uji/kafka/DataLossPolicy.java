package io.uji.kafka;

/**
 * What a {@link KafkaSource} does when records a batch must read no longer exist in Kafka
 * (retention or {@code deleteRecords} removed them before they were read): Spark's
 * {@code failOnDataLoss}, as a named choice.
 */
public enum DataLossPolicy {
  /**
   * The batch fails with a {@link io.uji.streaming.SourceDataLostException} naming the topic,
   * the partition and the offsets lost, and the context stops (the default): nothing is ever
   * skipped silently.
   */
  FAIL,
  /**
   * The source logs a WARN naming the topic, the partition and the offsets lost, and reads on
   * from the earliest offset that still exists.
   */
  SKIP
}
