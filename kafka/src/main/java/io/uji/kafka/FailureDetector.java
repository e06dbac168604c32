package io.uji.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failure detection faster than Kafka's session timeout (design 10): reads every instance's
 * {@link LivenessBeacon} from the liveness topic's end (assign mode, its own consumer and daemon
 * thread) and, when this instance is the acting member, {@link Fence fences} the members silent
 * for longer than the timeout ({@link Liveness} decides who and when).
 */
final class FailureDetector implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FailureDetector.class);

  /** What is done to a suspect. */
  interface Fence {
    void fence(Liveness.Suspect suspect);
  }

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final TopicPartition partition;
  private final String instanceId;
  private final Duration interval;
  private final long timeoutNanos;
  private final Liveness liveness;
  private final Fence fence;
  private final List<String> fencedSoFar = new CopyOnWriteArrayList<>();
  private volatile List<String> heard = List.of();
  private final Thread thread;
  private volatile boolean running;

  /**
   * @param clientProperties connection and security settings
   * @param topic the liveness topic
   * @param instanceId this instance's id (its own beacons tell it that it can see)
   * @param interval the beacons' interval (this detector's poll)
   * @param timeout the silence after which a member is suspected
   */
  FailureDetector(Map<String, Object> clientProperties, String topic, String instanceId, Duration interval,
      Duration timeout, Fence fence) {
    Map<String, Object> m = ClientConfigs.reader(clientProperties, "uji-detector-" + instanceId);
    m.keySet().removeIf(k -> k.endsWith(".serializer") || k.endsWith(".deserializer"));
    m.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    m.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, (int) Math.min(500, interval.toMillis()));
    this.consumer = new KafkaConsumer<>(m, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.partition = new TopicPartition(topic, 0);
    this.instanceId = instanceId;
    this.interval = interval;
    this.timeoutNanos = timeout.toNanos();
    this.liveness = new Liveness(instanceId, timeoutNanos);
    this.fence = fence;
    this.thread = new Thread(this::run, "uji-detector-" + instanceId);
    thread.setDaemon(true);
  }

  void start() {
    consumer.assign(List.of(partition));
    consumer.seekToEnd(List.of(partition)); // beacons sent before this start say nothing of now
    running = true;
    thread.start();
  }

  private void run() {
    long lastRound = System.nanoTime();
    try {
      while (running) {
        var records = consumer.poll(interval);
        long now = System.nanoTime();
        if (now - lastRound > timeoutNanos / 2) {
          liveness.resumed(now); // this thread was not reading (a pause, a starved machine)
        }
        for (ConsumerRecord<byte[], byte[]> r : records) {
          if (r.key() != null) {
            String id = new String(r.key(), StandardCharsets.UTF_8);
            Beacon.decode(r.value()).ifPresent(b -> liveness.heard(id, b, now));
          }
        }
        for (Liveness.Suspect s : liveness.toFence(now)) {
          fence.fence(s);
          liveness.fenced(s.instanceId());
          fencedSoFar.add(s.instanceId());
        }
        heard = liveness.members();
        lastRound = System.nanoTime(); // the time fencing took is not a pause of this reader
      }
    } catch (WakeupException e) {
      // close()
    } catch (RuntimeException e) {
      // Kafka's session timeout still detects failures: this instance goes on without the detector
      LOG.error("The failure detector of {} stopped; failures are detected by the session timeout only", instanceId, e);
    } finally {
      consumer.close(Duration.ofSeconds(1));
    }
  }

  /** @return the instances whose beacons this detector has (not LEAVING, not forgotten; for tests) */
  List<String> heard() {
    return heard;
  }

  /** @return the instances this detector fenced, in order (for tests) */
  List<String> fencedSoFar() {
    return List.copyOf(fencedSoFar);
  }

  @Override
  public void close() {
    running = false;
    if (thread.getState() == Thread.State.NEW) {
      consumer.close(Duration.ZERO);
      return;
    }
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
