package io.uji.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * What a {@link KafkaSource} was built with.
 *
 * @param consumerProperties the user's consumer properties (copied)
 * @param subscription the topics or pattern
 * @param onDataLoss what lost records do
 * @param maxRatePerPartition records per partition per second of batch interval (0: no limit)
 * @param initialRatePerPartition records per partition per second of the first batches, before
 *     backpressure has an estimate (0: no bound)
 * @param backpressure whether backpressure bounds the batches
 * @param requestTimeout the bound of each call to the broker from the job generator (listing
 *     partitions and offsets)
 * @param pollTimeout how long one poll of a read waits for records
 * @param groupId the consumer group whose offsets start new partitions and show the progress, or null
 * @param startAtLatest whether {@code auto.offset.reset} is {@code latest}
 * @param keyDeserializer a new key deserializer per consumer, or null to use the {@code key.deserializer} property
 * @param valueDeserializer a new value deserializer per consumer, or null to use the property
 */
record SourceSettings<K, V>(Map<String, Object> consumerProperties, Subscription subscription,
    DataLossPolicy onDataLoss, long maxRatePerPartition, long initialRatePerPartition, boolean backpressure,
    Duration requestTimeout, Duration pollTimeout, String groupId,
    boolean startAtLatest, Supplier<? extends Deserializer<K>> keyDeserializer,
    Supplier<? extends Deserializer<V>> valueDeserializer) {

  String bootstrap() {
    return ClientConfigs.bootstrap(consumerProperties);
  }
}
