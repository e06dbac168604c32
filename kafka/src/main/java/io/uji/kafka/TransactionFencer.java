package io.uji.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Fences another instance's transactional producer (design 9, the producer epoch): a producer
 * with the same transactional id calls {@code initTransactions()}, which bumps the id's epoch and
 * makes the coordinator abort the transaction left open at once, instead of after the old
 * producer's {@code transaction.timeout.ms} and the broker's next scan for expired transactions
 * (up to 10 s more). The new owners' stable offset fetch, which waits for that abort, then
 * answers at once; the old producer, if it wakes, gets {@code ProducerFencedException}.
 */
final class TransactionFencer {
  private final Map<String, Object> clientProperties;
  private final Duration timeout;

  /**
   * @param clientProperties connection and security settings
   * @param timeout how long {@code initTransactions} may take (it waits for the abort's markers)
   */
  TransactionFencer(Map<String, Object> clientProperties, Duration timeout) {
    this.clientProperties = Map.copyOf(clientProperties);
    this.timeout = timeout;
  }

  /**
   * @param transactionalId the fenced producer's transactional id, exactly as it set it
   * @throws org.apache.kafka.common.KafkaException if the coordinator does not answer in time
   */
  void fence(String transactionalId) {
    Map<String, Object> m = ClientConfigs.producer(new HashMap<>(clientProperties), transactionalId);
    m.keySet().removeIf(k -> k.endsWith(".serializer") || k.endsWith(".deserializer"));
    m.put(ProducerConfig.CLIENT_ID_CONFIG, "uji-fencer-" + transactionalId);
    m.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(m, new ByteArraySerializer(), new ByteArraySerializer())) {
      p.initTransactions();
    }
  }
}
