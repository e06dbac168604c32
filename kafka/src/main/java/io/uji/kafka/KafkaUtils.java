package io.uji.kafka;

import io.uji.streaming.DStream;
import io.uji.streaming.StreamingContext;
import java.util.Collection;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Spark's entry point, for code ported from {@code spark-streaming-kafka-0-10}:
 *
 * <pre>{@code
 * // Spark: KafkaUtils.createDirectStream(ssc, PreferConsistent, Subscribe(topics, kafkaParams))
 * DStream<KafkaRecord<String, String>> stream = KafkaUtils.createDirectStream(ssc, List.of("events"), kafkaParams);
 * }</pre>
 *
 * <p>The stream is a {@link KafkaSource} with its defaults (data loss fails the batch, no rate
 * limit beyond backpressure); build one with {@link KafkaSource#builder} for other settings.
 */
public final class KafkaUtils {
  private KafkaUtils() {}

  /**
   * A direct stream over {@code topics}.
   *
   * @param kafkaParams the consumer properties ({@code bootstrap.servers}, the deserializers,
   *     usually {@code group.id}); see {@link KafkaSource#builder}
   * @throws IllegalArgumentException if a required property is missing (see {@link KafkaSource.Builder#build})
   */
  public static <K, V> DStream<KafkaRecord<K, V>> createDirectStream(StreamingContext ssc, Collection<String> topics,
      Map<String, ?> kafkaParams) {
    return ssc.replayableStream(KafkaSource.<K, V>builder(kafkaParams).topics(topics).build());
  }

  /**
   * A direct stream over every topic whose name matches {@code pattern} (Spark's {@code SubscribePattern}).
   *
   * @throws IllegalArgumentException if a required property is missing (see {@link KafkaSource.Builder#build})
   */
  public static <K, V> DStream<KafkaRecord<K, V>> createDirectStream(StreamingContext ssc, Pattern pattern,
      Map<String, ?> kafkaParams) {
    return ssc.replayableStream(KafkaSource.<K, V>builder(kafkaParams).pattern(pattern).build());
  }
}
