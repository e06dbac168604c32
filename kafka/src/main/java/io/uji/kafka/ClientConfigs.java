package io.uji.kafka;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The configurations of the Kafka clients Uji creates, from the user's properties plus what
 * exactly-once needs (set here, whatever the user said).
 */
final class ClientConfigs {
  /**
   * Records one poll may return: a batch's range is read in few polls, and what a poll returns past
   * the range's end (kept for the next batch) stays small.
   */
  static final int MAX_POLL_RECORDS = 2_000;
  /**
   * How long the broker may hold a fetch that finds no new record. A reader only asks for offsets
   * that exist, but a consumer fetches ahead, and one fetch held at the end of a partition (500 ms
   * by default) delays the consumer's next fetch from that broker after a seek by as much.
   */
  static final int FETCH_MAX_WAIT_MS = 20;

  /**
   * The producer's retry backoff. A batch's transaction starts right after the previous one
   * committed, while the broker still writes that one's markers; its first sends are refused
   * (CONCURRENT_TRANSACTIONS) and retried after this backoff, 100 ms by default: a tenth of a
   * second added to every batch.
   */
  static final int PRODUCER_RETRY_BACKOFF_MS = 10;

  private ClientConfigs() {}

  /** @return the bootstrap servers, for messages ("?" if missing) */
  static String bootstrap(Map<String, ?> properties) {
    Object b = properties.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
    if (b instanceof Collection<?> c) {
      return String.join(",", c.stream().map(String::valueOf).toList());
    }
    return b == null ? "?" : String.valueOf(b);
  }

  /**
   * A reader: read_committed (aborted and open transactions are never read), no auto-commit and no
   * offset reset (a deleted offset must be seen, not skipped), and no group (it assigns its
   * partitions itself; the group's offsets are committed through the admin client).
   */
  static Map<String, Object> reader(Map<String, Object> user, String clientId) {
    Map<String, Object> m = new HashMap<>(user);
    m.keySet().removeIf(k -> k.startsWith("group."));
    m.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    m.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    m.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    m.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
    m.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, FETCH_MAX_WAIT_MS);
    m.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
    return m;
  }

  /** An admin client: the user's connection and security settings, nothing else (no warnings about unused keys). */
  static Map<String, Object> admin(Map<String, ?> user, String clientId) {
    Set<String> known = AdminClientConfig.configNames();
    Map<String, Object> m = new HashMap<>();
    user.forEach((k, v) -> {
      if (known.contains(k)) {
        m.put(k, v);
      }
    });
    m.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
    return m;
  }

  /**
   * A plain producer for an at-least-once sink: idempotent with acks=all (no duplicates from its
   * own retries), no transactional id whatever the user's properties say.
   */
  static Map<String, Object> plainProducer(Map<String, Object> user) {
    Map<String, Object> m = new HashMap<>(user);
    m.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    m.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    m.put(ProducerConfig.ACKS_CONFIG, "all");
    return m;
  }

  /** A transactional producer (idempotence and acks=all come with transactions). */
  static Map<String, Object> producer(Map<String, Object> user, String transactionalId) {
    Map<String, Object> m = new HashMap<>(user);
    m.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    m.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    m.put(ProducerConfig.ACKS_CONFIG, "all");
    m.putIfAbsent(CommonClientConfigs.CLIENT_ID_CONFIG, "uji-sink-" + transactionalId);
    m.putIfAbsent(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, PRODUCER_RETRY_BACKOFF_MS);
    return m;
  }
}
