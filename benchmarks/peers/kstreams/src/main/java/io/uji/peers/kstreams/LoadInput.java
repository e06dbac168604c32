package io.uji.peers.kstreams;

import io.uji.peers.common.Gen;
import io.uji.peers.common.Options;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Loads the input of kafka-session-count (docs/WORKLOADS.md), in its own JVM before the measured
 * run: waits for the broker, creates the input and output topics (2 partitions, replication 1)
 * and writes the N events: key = UTF-8 {@code "user-" + u(i)}, value = the 8-byte big-endian long
 * i (what LongSerializer writes), partition = Kafka's default partitioner on the key. Prints one
 * LOAD line with the load time, which is not part of any throughput.
 *
 * <pre>
 * LoadInput --bootstrap HOST:PORT [--topic input] [--output-topic output] [--n 10000000] [--k 1000000]
 *           [--partitions 2] [--linger-ms 20] [--batch-bytes 524288] [--compression none]
 * </pre>
 */
public final class LoadInput {
  private LoadInput() {}

  /**
   * Exits with 0 when the topic holds the N events, 1 otherwise, 2 on bad usage.
   *
   * @param args {@code --name value} options
   * @throws Exception when the broker does not come up or a send fails
   */
  public static void main(String[] args) throws Exception {
    try {
      System.exit(load(new Options(args)));
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(2);
    }
  }

  private static int load(Options o) throws Exception {
    String bootstrap = o.stringOpt("bootstrap", null);
    String topic = o.stringOpt("topic", "input");
    String output = o.stringOpt("output-topic", "output");
    long n = o.longOpt("n", 10_000_000L);
    long k = o.longOpt("k", 1_000_000L);
    int parts = (int) o.longOpt("partitions", 2);
    String lingerMs = o.stringOpt("linger-ms", "20");
    String batchBytes = o.stringOpt("batch-bytes", "524288");
    String compression = o.stringOpt("compression", "none");
    o.rejectUnknown();
    if (bootstrap == null) {
      throw new IllegalArgumentException("LoadInput needs --bootstrap HOST:PORT");
    }

    Properties ap = new Properties();
    ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(ap)) {
      double waitS = awaitBroker(admin, bootstrap);
      // The broker does not auto-create topics: the app's output topic is created here too.
      admin.createTopics(List.of(new NewTopic(topic, parts, (short) 1), new NewTopic(output, parts, (short) 1)))
          .all().get(60, TimeUnit.SECONDS);
      System.out.printf(Locale.ROOT, "INFO broker up after %.1f s; topics %s and %s created with %d partitions%n",
          waitS, topic, output, parts);

      double loadS = produce(bootstrap, topic, n, k, lingerMs, batchBytes, compression);

      Map<TopicPartition, OffsetSpec> req = new HashMap<>();
      List<TopicPartition> tps = new ArrayList<>();
      for (int i = 0; i < parts; i++) {
        TopicPartition tp = new TopicPartition(topic, i);
        tps.add(tp);
        req.put(tp, OffsetSpec.latest());
      }
      Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(req).all().get(60, TimeUnit.SECONDS);
      long total = 0;
      StringBuilder sb = new StringBuilder();
      for (TopicPartition tp : tps) {
        long e = ends.get(tp).offset();
        total += e;
        sb.append(sb.length() == 0 ? "" : ",").append(tp.partition()).append(':').append(e);
      }
      System.out.printf(Locale.ROOT, "LOAD N=%d K=%d partitions=%d load_s=%.2f load_eps=%.0f end_offsets=%s total=%d"
          + " value=long8 acks=all%n", n, k, parts, loadS, n / loadS, sb, total);
      if (total != n) {
        System.out.println("LOAD FAILED: end offsets add up to " + total + ", not " + n);
        return 1;
      }
      return 0;
    }
  }

  /** Waits up to 90 s for the broker, which starts in its own JVM just before this one; returns the wait. */
  private static double awaitBroker(Admin admin, String bootstrap) throws InterruptedException {
    long t0 = System.nanoTime();
    long deadline = t0 + TimeUnit.SECONDS.toNanos(90);
    while (true) {
      try {
        admin.describeCluster().nodes().get(2, TimeUnit.SECONDS);
        return (System.nanoTime() - t0) / 1e9;
      } catch (ExecutionException | TimeoutException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("broker not up at " + bootstrap + " after 90 s", e);
        }
        Thread.sleep(200); // the broker is not up yet: try again
      }
    }
  }

  /** Writes the events with acks=all and idempotence; returns the seconds it took, flush included. */
  private static double produce(String bootstrap, String topic, long n, long k, String lingerMs, String batchBytes,
      String compression) {
    Properties pp = new Properties();
    pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    pp.put(ProducerConfig.ACKS_CONFIG, "all");
    pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    pp.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
    pp.put(ProducerConfig.BATCH_SIZE_CONFIG, batchBytes);
    pp.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(128L << 20));
    pp.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(4 << 20));
    pp.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
    pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    AtomicReference<Exception> err = new AtomicReference<>();
    long t0 = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(pp)) {
      for (long i = 0; i < n; i++) {
        byte[] key = Gen.record(i, k).getBytes(StandardCharsets.UTF_8);
        byte[] val = ByteBuffer.allocate(8).putLong(i).array();
        p.send(new ProducerRecord<>(topic, key, val), (md, e) -> {
          if (e != null) {
            err.compareAndSet(null, e);
          }
        });
        if ((i & 0xFFFFF) == 0 && err.get() != null) {
          break;
        }
      }
      p.flush();
    }
    double loadS = (System.nanoTime() - t0) / 1e9;
    if (err.get() != null) {
      throw new IllegalStateException("producing to " + topic + " failed", err.get());
    }
    return loadS;
  }
}
