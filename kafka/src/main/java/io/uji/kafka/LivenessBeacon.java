package io.uji.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's liveness beacon (design 10): every {@code interval} a record keyed by its
 * instance id ({@link Beacon}: incarnation, RUNNING, plan epoch) on the group's liveness topic,
 * from its own daemon thread and a plain idempotent producer (never the transactional one: a beacon
 * must not wait for a batch's commit). A graceful stop sends LEAVING first ({@link #leave}), so
 * that the others' {@link FailureDetector}s do not take the silence that follows for a failure.
 */
final class LivenessBeacon implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LivenessBeacon.class);

  private final String topic;
  private final byte[] key;
  private final String instanceId;
  private final long incarnation = ThreadLocalRandom.current().nextLong();
  private final IntSupplier planEpoch;
  private final Duration interval;
  private final Producer<byte[], byte[]> producer;
  private final ScheduledExecutorService thread;
  /** Whether the last send failed: one WARN per run of failures, not one per beacon. */
  private volatile boolean failing;

  /**
   * @param clientProperties connection and security settings
   * @param planEpoch the epoch of the last plan this instance was given, -1 before the first
   */
  LivenessBeacon(Map<String, Object> clientProperties, String topic, String instanceId, Duration interval,
      IntSupplier planEpoch) {
    this.topic = topic;
    this.key = instanceId.getBytes(StandardCharsets.UTF_8);
    this.instanceId = instanceId;
    this.interval = interval;
    this.planEpoch = planEpoch;
    Map<String, Object> m = ClientConfigs.plainProducer(new HashMap<>(clientProperties));
    m.keySet().removeIf(k -> k.endsWith(".serializer") || k.endsWith(".deserializer"));
    m.put(ProducerConfig.CLIENT_ID_CONFIG, "uji-liveness-" + instanceId);
    m.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    // A beacon that cannot leave soon is worthless: neither block the thread nor retry for long.
    long ms = Math.max(1_000, interval.toMillis() * 4);
    m.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, ms);
    m.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) ms);
    m.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) ms * 2);
    this.producer = new KafkaProducer<>(m, new ByteArraySerializer(), new ByteArraySerializer());
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "uji-liveness-" + instanceId);
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts beaconing RUNNING every interval. */
  void start() {
    thread.scheduleAtFixedRate(() -> send(Beacon.State.RUNNING), 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void send(Beacon.State state) {
    try {
      producer.send(new ProducerRecord<>(topic, 0, key, new Beacon(incarnation, state, planEpoch.getAsInt()).encode()),
          (md, e) -> report(e));
    } catch (RuntimeException e) {
      report(e);
    }
  }

  private void report(Exception e) {
    if (e == null) {
      if (failing) {
        LOG.info("The liveness beacon of {} reaches {} again", instanceId, topic);
      }
      failing = false;
    } else if (!failing) {
      failing = true;
      LOG.warn("The liveness beacon of {} cannot reach {} ({}): the others may take this instance for failed",
          instanceId, topic, e.toString());
    }
  }

  /**
   * Stops beaconing and says LEAVING (a graceful stop, before the instance leaves its group),
   * waiting at most {@code timeout} for the broker to take it.
   */
  void leave(Duration timeout) {
    stopThread();
    try {
      producer.send(new ProducerRecord<>(topic, 0, key, new Beacon(incarnation, Beacon.State.LEAVING,
          planEpoch.getAsInt()).encode())).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn("The LEAVING beacon of {} was not sent ({}): the others may fence it before it leaves", instanceId,
          e.toString());
    }
  }

  private void stopThread() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops beaconing without a word (as a crash would; {@link #leave} first for a graceful stop). */
  @Override
  public void close() {
    stopThread();
    producer.close(Duration.ofSeconds(1));
  }
}
