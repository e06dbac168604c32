package io.uji.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serializer;

/**
 * What a {@link KafkaSink} was built with.
 *
 * @param producerProperties the user's producer properties (copied)
 * @param topic the output topic
 * @param transactionalId the producer's transactional id, stable across restarts of the program
 *     (null for an at-least-once sink)
 * @param key the record key of an element (may return null)
 * @param value the record value of an element (may return null)
 * @param keySerializer a new key serializer per producer, or null to use the {@code key.serializer} property
 * @param valueSerializer a new value serializer per producer, or null to use the property
 * @param requestTimeout the bound of the sink's admin calls (reading its marker)
 * @param atLeastOnce whether the sink writes with a plain producer, flushed per batch, instead of transactions
 */
record SinkSettings<T>(Map<String, Object> producerProperties, String topic, String transactionalId,
    Function<? super T, ?> key, Function<? super T, ?> value, Supplier<? extends Serializer<?>> keySerializer,
    Supplier<? extends Serializer<?>> valueSerializer, Duration requestTimeout, boolean atLeastOnce) {

  String bootstrap() {
    return ClientConfigs.bootstrap(producerProperties);
  }
}
