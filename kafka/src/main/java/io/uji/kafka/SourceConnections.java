package io.uji.kafka;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one run of a {@link KafkaSource} (from its context's start to its stop) holds open: an
 * admin client (listing partitions and offsets, the group's offsets) and the pool of reading
 * consumers. Closed once, by the source's {@code stop}.
 */
final class SourceConnections<K, V> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SourceConnections.class);
  private static final AtomicInteger RUNS = new AtomicInteger();
  private static final Duration ADMIN_CLOSE_TIMEOUT = Duration.ofSeconds(2);

  final StopSignal stop = new StopSignal();
  final Admin admin;
  final PartitionLister lister;
  final StartingPositions starts;
  /** The consumer group, or null without a {@code group.id}. */
  final GroupOffsets group;
  final ConsumerPool<K, V> pool;
  final RangeReader<K, V> reader;

  SourceConnections(SourceSettings<K, V> s) {
    String clientId = "uji-kafka-" + RUNS.incrementAndGet();
    this.admin = Admin.create(ClientConfigs.admin(s.consumerProperties(), clientId + "-admin"));
    this.lister = new PartitionLister(admin, s.subscription(), s.requestTimeout(), s.bootstrap());
    this.group = s.groupId() == null ? null : new GroupOffsets(admin, s.groupId(), s.requestTimeout(), s.bootstrap());
    this.starts = new StartingPositions(s.startAtLatest(), group);
    AtomicInteger readers = new AtomicInteger();
    this.pool = new ConsumerPool<>(() -> newConsumer(s, clientId + "-reader-" + readers.incrementAndGet()));
    this.reader = new RangeReader<>(s.onDataLoss(), s.pollTimeout(), s.requestTimeout(), s.bootstrap(), stop);
  }

  private static <K, V> Consumer<K, V> newConsumer(SourceSettings<K, V> s, String clientId) {
    return new KafkaConsumer<>(ClientConfigs.reader(s.consumerProperties(), clientId),
        s.keyDeserializer() == null ? null : s.keyDeserializer().get(),
        s.valueDeserializer() == null ? null : s.valueDeserializer().get());
  }

  boolean stopped() {
    return stop.isStopped();
  }

  /** Stops the reads' retries, closes the idle consumers and the admin client (after a moment for a last commit). */
  @Override
  public void close() {
    stop.stop();
    pool.close();
    try {
      admin.close(ADMIN_CLOSE_TIMEOUT);
    } catch (RuntimeException e) {
      LOG.warn("Closing the Kafka admin client failed", e);
    }
  }
}
