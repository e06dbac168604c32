package io.uji.bench;

import io.uji.kafka.KafkaRecord;
import io.uji.kafka.KafkaSink;
import io.uji.kafka.KafkaSource;
import io.uji.streaming.DStream;
import io.uji.streaming.Duration;
import io.uji.streaming.Durations;
import io.uji.streaming.MapWithStateDStream;
import io.uji.streaming.Pair;
import io.uji.streaming.StateSpec;
import io.uji.streaming.StreamingContext;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code kafka-session-count} of docs/WORKLOADS.md: the session-count events, pre-loaded into a
 * Kafka topic (key {@code "user-" + u(i)}, value the long {@code i}), read by a {@link KafkaSource}
 * (offset ranges in the lineage), counted per user with mapWithState (checkpoints on), and each
 * batch's updated counts, one per user per batch, written to an output topic: through the
 * transactional {@link KafkaSink} ({@code eos}) or its at-least-once form ({@code alos}: a plain
 * producer flushed at the end of each batch, as Kafka Streams' at_least_once).
 *
 * <p>The batch's events are summed per user first ({@code reduceByKey}), so the state is read and
 * written once per user per batch and one update per user leaves the batch, as Kafka Streams'
 * record cache merges a key's updates between commits.
 *
 * <p>Check, after the run (outside the measured span, as Kafka Streams' harness checks its store
 * after its run): the output topic read with read_committed, and the last count it holds for every
 * user equals the generator's count for that user (so the counts add up to N, no update was lost
 * or doubled, and what a downstream consumer sees is right).
 */
final class KafkaSessionCountWorkload implements Workload {
  private final KafkaSettings kafka;
  private final long n;
  private final long k;
  private final long b;
  private final CpuAccount cpu;

  /**
   * Where the topics are and how the job talks to Kafka.
   *
   * @param backpressure whether the source's batches follow backpressure; off (the workload's
   *     design), every batch takes B records of the pre-loaded topic
   * @param initialRatePerPartition with backpressure, the first batches' records per partition
   *     per second (null: the source's default)
   * @param brokerPid the broker's pid, for its CPU figures (null: not reported)
   */
  record KafkaSettings(String bootstrap, String inputTopic, String outputTopic, String guarantee,
      Map<String, String> consumerOverrides, Map<String, String> producerOverrides, boolean backpressure,
      Long initialRatePerPartition, String brokerPid) {
    KafkaSettings {
      if (!guarantee.equals("eos") && !guarantee.equals("alos")) {
        throw new IllegalArgumentException("--guarantee must be eos or alos, got " + guarantee);
      }
      if (bootstrap == null) {
        throw new IllegalArgumentException("kafka-session-count needs --bootstrap HOST:PORT (bench/run.sh starts a "
            + "broker and loads the topic: use it rather than Bench directly)");
      }
    }
  }

  KafkaSessionCountWorkload(KafkaSettings kafka, long n, long k, long b) {
    this.kafka = kafka;
    this.n = n;
    this.k = k;
    this.b = b;
    this.cpu = new CpuAccount(kafka.brokerPid(), n);
  }

  @Override
  public String name() {
    return "kafka-session-count";
  }

  @Override
  public String variant() {
    return "mapWithState-" + kafka.guarantee();
  }

  @Override
  public long events() {
    return n;
  }

  @Override
  public long k() {
    return k;
  }

  @Override
  public long b() {
    return b;
  }

  @Override
  public boolean throughputOverSpan() {
    return true;
  }

  @Override
  public void define(StreamingContext ssc, Duration stateCheckpoint) {
    createOutputTopic();
    ssc.addStreamingListener(cpu); // before Bench's collector: it has seen the last batch when the run ends
    // The topic is loaded before the run: a backlog of N from the first batch on, with nothing
    // arriving. Backpressure is for keeping up with arriving data; here it would only start at
    // the initial rate and climb over many small batches (each with the fixed cost of a
    // transaction and a state commit), measuring its own warm-up. Off, every batch takes B
    // records, as session-count's generator makes them and as WORKLOADS.md defines the batches.
    KafkaSource.Builder<String, Long> source = KafkaSource.<String, Long>builder(consumerProperties())
        .topics(kafka.inputTopic())
        .maxRatePerPartition(ratePerPartition(ssc))
        .backpressure(kafka.backpressure());
    if (kafka.initialRatePerPartition() != null) {
      source.initialRatePerPartition(kafka.initialRatePerPartition());
    }
    DStream<KafkaRecord<String, Long>> events = ssc.replayableStream(source.build());
    StateSpec<String, Long, Long, Pair<String, Long>> spec = StateSpec.<String, Long, Long, Pair<String, Long>>function(
        (user, added, state) -> {
          if (state.isTimingOut()) {
            return Pair.of(user, state.get());
          }
          long c = (state.exists() ? state.get() : 0L) + added.orElse(0L);
          state.update(c);
          return Pair.of(user, c);
        });
    spec.timeout(Durations.seconds(60)).types(String.class, Long.class).name("session-count");
    MapWithStateDStream<String, Long, Long, Pair<String, Long>> counts =
        events.mapToPair(r -> Pair.of(r.key(), 1L)).reduceByKey(Long::sum).mapWithState(spec);
    if (stateCheckpoint != null) {
      counts.checkpoint(stateCheckpoint);
    }
    KafkaSink.Builder<Pair<String, Long>> sink = KafkaSink.<Pair<String, Long>>builder(producerProperties())
        .topic(kafka.outputTopic())
        .key(Pair::key)
        .value(Pair::value);
    counts.foreachBatch(kafka.guarantee().equals("eos")
        ? sink.transactionalId("uji-bench-session-count").build()
        : sink.atLeastOnce().build());
  }

  /** Creates the output topic with 2 partitions, as Kafka Streams' harness does (Uji's sink does not create topics). */
  private void createOutputTopic() {
    try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrap()))) {
      admin.createTopics(List.of(new NewTopic(kafka.outputTopic(), 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("Cannot create topic " + kafka.outputTopic() + " at " + kafka.bootstrap(), e);
      }
    } catch (InterruptedException | TimeoutException e) {
      throw new IllegalStateException("Cannot create topic " + kafka.outputTopic() + " at " + kafka.bootstrap(), e);
    }
  }

  /** The rate limit that makes a batch at most B records when the source is behind (2 partitions). */
  private long ratePerPartition(StreamingContext ssc) {
    double intervalSeconds = ssc.batchInterval().milliseconds() / 1000.0;
    return Math.max(1, (long) (b / 2 / intervalSeconds));
  }

  private Map<String, Object> consumerProperties() {
    Map<String, Object> p = new HashMap<>();
    p.put("bootstrap.servers", kafka.bootstrap());
    p.put("group.id", "uji-bench-session-count");
    p.put("key.deserializer", StringDeserializer.class);
    p.put("value.deserializer", LongDeserializer.class);
    p.putAll(kafka.consumerOverrides());
    return p;
  }

  private Map<String, Object> producerProperties() {
    Map<String, Object> p = new HashMap<>();
    p.put("bootstrap.servers", kafka.bootstrap());
    p.put("key.serializer", StringSerializer.class);
    p.put("value.serializer", LongSerializer.class);
    p.putAll(kafka.producerOverrides());
    return p;
  }

  @Override
  public String check() {
    int[] expected = new int[Math.toIntExact(k)];
    for (long i = 0; i < n; i++) {
      expected[(int) Gen.user(i, k)]++;
    }
    int[] lastCount = lastCountsInOutputTopic();
    long sum = 0;
    int wrong = 0;
    int firstWrong = -1;
    for (int u = 0; u < expected.length; u++) {
      int got = lastCount[u];
      sum += got;
      if (got != expected[u]) {
        wrong++;
        firstWrong = firstWrong < 0 ? u : firstWrong;
      }
    }
    if (wrong > 0 || sum != n) {
      return "FAILED:sum=" + sum + ",users_wrong=" + wrong + ",first=user-" + firstWrong;
    }
    return "ok";
  }

  /** @return per user id, the last count the output topic holds for it (read_committed), 0 for none */
  private int[] lastCountsInOutputTopic() {
    int[] last = new int[Math.toIntExact(k)];
    Map<String, Object> p = new HashMap<>();
    p.put("bootstrap.servers", kafka.bootstrap());
    p.put("key.deserializer", StringDeserializer.class);
    p.put("value.deserializer", LongDeserializer.class);
    p.put("isolation.level", "read_committed");
    p.put("enable.auto.commit", false);
    p.put("max.poll.records", 10_000);
    try (KafkaConsumer<String, Long> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = consumer.partitionsFor(kafka.outputTopic(), java.time.Duration.ofSeconds(30))
          .stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      // read_committed: the end offsets are the last stable offsets, reached once everything committed is read.
      Map<TopicPartition, Long> ends = consumer.endOffsets(parts, java.time.Duration.ofSeconds(30));
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the output topic was not read to its end " + ends + " in 5 minutes");
        }
        for (ConsumerRecord<String, Long> r : consumer.poll(java.time.Duration.ofMillis(500))) {
          String key = r.key();
          last[Integer.parseInt(key, 5, key.length(), 10)] = Math.toIntExact(r.value());
        }
      }
    }
    return last;
  }

  @Override
  public String extras() {
    return "guarantee=" + kafka.guarantee() + " input=" + kafka.inputTopic() + " output=" + kafka.outputTopic()
        + " backpressure=" + (kafka.backpressure() ? "on" : "off")
        + (kafka.initialRatePerPartition() == null ? "" : " initial_rate=" + kafka.initialRatePerPartition())
        + (kafka.consumerOverrides().isEmpty() ? "" : " consumer=" + kafka.consumerOverrides().toString().replace(' ', '_'))
        + (kafka.producerOverrides().isEmpty() ? "" : " producer=" + kafka.producerOverrides().toString().replace(' ', '_'))
        + cpu.figures();
  }
}
