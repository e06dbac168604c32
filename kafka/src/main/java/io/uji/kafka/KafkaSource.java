package io.uji.kafka;

import io.uji.streaming.Duration;
import io.uji.streaming.ReplayableSource;
import io.uji.streaming.SourcePartition;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka topics as a {@link ReplayableSource}: Spark's direct stream. Each batch takes a range of
 * offsets per partition, which Uji logs before the batch runs and reads again if the batch is
 * replayed after a crash, so that state built from the topics is exactly once with a checkpoint
 * directory. Use it with {@code ssc.replayableStream(source)}, or through
 * {@link KafkaUtils#createDirectStream}.
 *
 * <pre>{@code
 * KafkaSource<String, Long> source = KafkaSource.<String, Long>builder(Map.of(
 *         "bootstrap.servers", "127.0.0.1:9092",
 *         "group.id", "session-count",
 *         "key.deserializer", StringDeserializer.class,
 *         "value.deserializer", LongDeserializer.class))
 *     .topics("events")
 *     .build();
 * DStream<KafkaRecord<String, Long>> events = ssc.replayableStream(source);
 * }</pre>
 *
 * <ul>
 *   <li><b>Reads</b> are read_committed, whatever the properties say: records of aborted or still
 *       open transactions are never read. Each partition's range is read by one of a small pool of
 *       KafkaConsumers (one per concurrent read), in parallel on the context's worker threads,
 *       until the consumer's position reaches the range's end (transaction markers take offsets
 *       but hold no record).
 *   <li><b>Partitions</b> are listed at every batch: one added to a topic, or a new topic
 *       matching the pattern, is read from its start.
 *   <li><b>Where a partition starts</b> the first time: at the group's committed offset
 *       ({@code group.id}) if there is one, else by {@code auto.offset.reset}: {@code earliest}
 *       (the default here, unlike Kafka's {@code latest}: nothing is skipped unless asked) or
 *       {@code latest}. With a checkpoint directory, the checkpoint's positions come first.
 *   <li><b>Committed offsets.</b> With a {@code group.id}, the offsets of completed batches are
 *       committed as the group's offsets (asynchronously), so that lag tools show Uji's progress.
 *       The group must be Uji's alone. Uji's own truth is its checkpoint.
 *   <li><b>Lost data.</b> Records deleted by retention before a batch read them fail the batch
 *       with a {@link io.uji.streaming.SourceDataLostException} naming the topic, partition and
 *       offsets, unless the source was built with {@link DataLossPolicy#SKIP}.
 *   <li><b>A broker that goes away.</b> While partitions cannot be listed (within the request
 *       timeout), batches take nothing from the source and the context keeps running; a read in
 *       progress waits and retries until the broker is back, or gives up when the context stops.
 *       Nothing is lost: the offsets stay where they were.
 * </ul>
 *
 * <p>The source's identity (checked against a checkpoint directory) is its topics or pattern, not
 * the brokers' address: a cluster may move.
 *
 * @param <K> the key type (of the key deserializer)
 * @param <V> the value type (of the value deserializer)
 */
public final class KafkaSource<K, V> implements ReplayableSource<KafkaRecord<K, V>> {
  private final SourceSettings<K, V> settings;
  private volatile SourceConnections<K, V> connections;

  private KafkaSource(SourceSettings<K, V> settings) {
    this.settings = settings;
  }

  /**
   * A builder over the user's consumer properties: {@code bootstrap.servers} is required, the
   * deserializers come from {@code key.deserializer} / {@code value.deserializer} unless given to
   * the builder, and any security or client setting is passed on. Uji sets
   * {@code isolation.level=read_committed} and {@code enable.auto.commit=false} itself.
   */
  public static <K, V> Builder<K, V> builder(Map<String, ?> consumerProperties) {
    return new Builder<>(consumerProperties);
  }

  @Override
  public String identity() {
    return settings.subscription().identity();
  }

  @Override
  public void start() {
    SourceConnections<K, V> old = connections;
    if (old != null) {
      old.close();
    }
    connections = new SourceConnections<>(settings);
  }

  /**
   * @return every partition of the topics, with its earliest offset and its last stable offset;
   *     none once the source is stopped (a graceful stop's last batch takes nothing more)
   * @throws io.uji.streaming.SourceUnavailableException if Kafka did not answer within the request timeout
   */
  @Override
  public List<SourcePartition> partitions() {
    SourceConnections<K, V> c = running();
    if (c.stopped()) {
      return List.of();
    }
    List<SourcePartition> partitions = c.lister.list();
    c.starts.onListing(partitions);
    return partitions;
  }

  @Override
  public long initialPosition(SourcePartition partition) {
    return running().starts.initial(partition);
  }

  @Override
  public long maxRatePerPartition() {
    return settings.maxRatePerPartition();
  }

  @Override
  public long initialRatePerPartition() {
    return settings.initialRatePerPartition();
  }

  @Override
  public boolean backpressure() {
    return settings.backpressure();
  }

  /**
   * Reads the records at offsets {@code [from, until)} of a partition {@code "topic-partition"}.
   *
   * @throws io.uji.streaming.SourceDataLostException if some were deleted (policy {@link DataLossPolicy#FAIL})
   * @throws UjiKafkaException if a record cannot be deserialized, access is denied, or the
   *     context stopped while Kafka was away
   */
  @Override
  public List<KafkaRecord<K, V>> read(String partition, long from, long until) {
    return withConsumer(partition, from, (c, consumer, tp) -> c.reader.read(consumer, tp, from, until));
  }

  /**
   * Hands the records at offsets {@code [from, until)} of a partition to {@code sink} as each
   * poll brings them, keeping none (the same records as {@link #read(String, long, long)}).
   *
   * @throws io.uji.streaming.SourceDataLostException as {@link #read(String, long, long)}
   * @throws UjiKafkaException as {@link #read(String, long, long)}
   */
  @Override
  public long read(String partition, long from, long until, java.util.function.Consumer<? super KafkaRecord<K, V>> sink) {
    return withConsumer(partition, from, (c, consumer, tp) -> c.reader.read(consumer, tp, from, until, sink));
  }

  /** One read of a range with a consumer of the pool. */
  private interface Read<K, V, R> {
    R run(SourceConnections<K, V> c, ReaderConsumer<K, V> consumer, TopicPartition tp);
  }

  /** Runs {@code read} with a consumer of the pool, positioned for {@code from} if one is; a consumer whose read failed is closed. */
  private <R> R withConsumer(String partition, long from, Read<K, V, R> read) {
    SourceConnections<K, V> c = running();
    TopicPartition tp = PartitionIds.parse(partition);
    ReaderConsumer<K, V> consumer = c.pool.borrow(tp, from);
    R result;
    try {
      result = read.run(c, consumer, tp);
    } catch (RuntimeException | Error e) {
      // An interrupted thread cannot close a consumer cleanly (Kafka logs an error): close it
      // with the flag cleared, then set the flag again for the caller.
      boolean interrupted = Thread.interrupted();
      try {
        c.pool.discard(consumer);
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
      throw e;
    }
    c.pool.release(consumer);
    return result;
  }

  /** Commits {@code next} as the group's offsets (asynchronously), if the source has a group. */
  @Override
  public void committed(Map<String, Long> next) {
    SourceConnections<K, V> c = connections;
    if (c != null && c.group != null && !c.stopped()) {
      c.group.commit(next);
    }
  }

  /** Stops retries of reads in progress and closes the connections (within about 2 s). */
  @Override
  public void stop() {
    SourceConnections<K, V> c = connections;
    if (c != null) {
      c.close();
    }
  }

  private SourceConnections<K, V> running() {
    SourceConnections<K, V> c = connections;
    if (c == null) {
      throw new IllegalStateException("The Kafka source " + identity() + " was not started: use it through "
          + "StreamingContext.replayableStream, which starts it with the context");
    }
    return c;
  }

  @Override
  public String toString() {
    return "KafkaSource[" + identity() + " at " + settings.bootstrap() + "]";
  }

  /**
   * Builds a {@link KafkaSource}: {@link #topics} or {@link #pattern} is required.
   *
   * @param <K> the key type
   * @param <V> the value type
   */
  public static final class Builder<K, V> {
    private final Map<String, Object> properties;
    private Subscription subscription;
    private DataLossPolicy onDataLoss = DataLossPolicy.FAIL;
    private long maxRatePerPartition;
    private long initialRatePerPartition = ReplayableSource.DEFAULT_INITIAL_RATE_PER_PARTITION;
    private boolean backpressure = true;
    private java.time.Duration requestTimeout = java.time.Duration.ofSeconds(5);
    private java.time.Duration pollTimeout = java.time.Duration.ofMillis(500);
    private Supplier<? extends Deserializer<K>> keyDeserializer;
    private Supplier<? extends Deserializer<V>> valueDeserializer;

    private Builder(Map<String, ?> consumerProperties) {
      this.properties = new HashMap<>(Objects.requireNonNull(consumerProperties, "consumerProperties"));
    }

    /** Reads these topics (their partitions as they are at each batch). */
    public Builder<K, V> topics(String... topics) {
      return topics(Arrays.asList(topics));
    }

    /** Reads these topics (their partitions as they are at each batch). */
    public Builder<K, V> topics(Collection<String> topics) {
      if (topics.isEmpty() || topics.stream().anyMatch(t -> t == null || t.isBlank())) {
        throw new IllegalArgumentException("A Kafka source needs one or more topic names, got " + topics);
      }
      this.subscription = Subscription.topics(topics);
      return this;
    }

    /** Reads every topic whose whole name matches {@code pattern}, as topics appear and disappear. */
    public Builder<K, V> pattern(Pattern pattern) {
      this.subscription = Subscription.pattern(Objects.requireNonNull(pattern, "pattern"));
      return this;
    }

    /** What records deleted before they were read do (default {@link DataLossPolicy#FAIL}). */
    public Builder<K, V> onDataLoss(DataLossPolicy policy) {
      this.onDataLoss = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * At most this many records per partition per second of batch interval (Spark's
     * {@code spark.streaming.kafka.maxRatePerPartition}); 0, the default, for no limit beyond
     * backpressure.
     */
    public Builder<K, V> maxRatePerPartition(long recordsPerSecond) {
      if (recordsPerSecond < 0) {
        throw new IllegalArgumentException("maxRatePerPartition must be >= 0, got " + recordsPerSecond);
      }
      this.maxRatePerPartition = recordsPerSecond;
      return this;
    }

    /**
     * Records per partition per second of batch interval that the first batches take, before
     * backpressure has measured what the program processes (Spark's
     * {@code spark.streaming.backpressure.initialRate}; default
     * {@link io.uji.streaming.ReplayableSource#DEFAULT_INITIAL_RATE_PER_PARTITION}); 0 for no bound
     * but {@link #maxRatePerPartition}. A program that starts with a large backlog and a known
     * capacity sets it near that capacity, so that its first batches are not small ones.
     */
    public Builder<K, V> initialRatePerPartition(long recordsPerSecond) {
      if (recordsPerSecond < 0) {
        throw new IllegalArgumentException("initialRatePerPartition must be >= 0, got " + recordsPerSecond);
      }
      this.initialRatePerPartition = recordsPerSecond;
      return this;
    }

    /**
     * Whether backpressure bounds the batches (default true: no more records than recent batches
     * show the program processes in a batch interval). Off, every batch takes what is readable up
     * to {@link #maxRatePerPartition}: for reading a backlog in batches of a chosen size.
     */
    public Builder<K, V> backpressure(boolean enabled) {
      this.backpressure = enabled;
      return this;
    }

    /**
     * How long listing the partitions and their offsets may take at a batch before the batch
     * takes nothing from Kafka (default 5 s).
     */
    public Builder<K, V> requestTimeout(Duration timeout) {
      if (timeout.milliseconds() <= 0) {
        throw new IllegalArgumentException("requestTimeout must be positive, got " + timeout);
      }
      this.requestTimeout = java.time.Duration.ofMillis(timeout.milliseconds());
      return this;
    }

    /** A new key deserializer for each consumer, instead of the {@code key.deserializer} property. */
    public Builder<K, V> keyDeserializer(Supplier<? extends Deserializer<K>> deserializer) {
      this.keyDeserializer = Objects.requireNonNull(deserializer, "deserializer");
      return this;
    }

    /** A new value deserializer for each consumer, instead of the {@code value.deserializer} property. */
    public Builder<K, V> valueDeserializer(Supplier<? extends Deserializer<V>> deserializer) {
      this.valueDeserializer = Objects.requireNonNull(deserializer, "deserializer");
      return this;
    }

    /**
     * @throws IllegalArgumentException if no topic or pattern was given, {@code bootstrap.servers}
     *     or a deserializer is missing, or {@code auto.offset.reset} is neither earliest nor latest
     */
    public KafkaSource<K, V> build() {
      if (subscription == null) {
        throw new IllegalArgumentException("A Kafka source needs topics(...) or pattern(...)");
      }
      require(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "the brokers to connect to, host:port[,host:port...]");
      if (keyDeserializer == null) {
        require(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, "or keyDeserializer(...) on the builder");
      }
      if (valueDeserializer == null) {
        require(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, "or valueDeserializer(...) on the builder");
      }
      String reset = String.valueOf(properties.getOrDefault(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"))
          .toLowerCase(Locale.ROOT);
      if (!reset.equals("earliest") && !reset.equals("latest")) {
        throw new IllegalArgumentException("auto.offset.reset of a Kafka source must be earliest or latest (where a "
            + "partition without a committed offset starts), got '" + reset + "'");
      }
      Object group = properties.get(ConsumerConfig.GROUP_ID_CONFIG);
      String groupId = group == null || String.valueOf(group).isBlank() ? null : String.valueOf(group);
      return new KafkaSource<>(new SourceSettings<>(Collections.unmodifiableMap(new HashMap<>(properties)), subscription, onDataLoss,
          maxRatePerPartition, initialRatePerPartition, backpressure, requestTimeout, pollTimeout, groupId, reset.equals("latest"), keyDeserializer,
          valueDeserializer));
    }

    private void require(String key, String what) {
      Object v = properties.get(key);
      if (v == null || String.valueOf(v).isBlank()) {
        throw new IllegalArgumentException("A Kafka source needs the consumer property " + key + " (" + what + ")");
      }
    }
  }
}
