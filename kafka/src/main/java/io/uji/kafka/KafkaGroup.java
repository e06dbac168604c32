package io.uji.kafka;

import io.uji.engine.cluster.ClusterAccess;
import io.uji.streaming.KeyLocation;
import io.uji.streaming.PairDStream;
import io.uji.streaming.StreamingContext;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A program that runs on several instances sharing Kafka topics, with its keyed state moving
 * with the topics' partitions (scale-out; first cut, see docs/design/scale-out.md and its "Built
 * so far" list).
 *
 * <p>The instances with the same {@link Builder#applicationId applicationId} form one consumer
 * group. Key group g is partition g of every input topic: the state of the keys read from
 * partition g lives on the instance that runs g, and moves with it through a compacted changelog
 * topic per stateful operator ({@code <applicationId>-<operator>-changelog}). Each batch commits
 * its outputs to {@link #sink} topics, its state changes and its input offsets in one Kafka
 * transaction, so the state and the sinks' output are exactly once for read_committed readers
 * while instances join and leave.
 *
 * <pre>{@code
 * KafkaGroup<String, String> group = KafkaGroup.<String, String>builder(consumerProperties)
 *     .applicationId("session-count").topics("events").instanceId("pod-0").build();
 * StreamingContext ssc = new StreamingContext(config, Durations.milliseconds(500));
 * group.keyedStream(ssc).mapValues(v -> 1L).reduceByKey(Long::sum)
 *     .mapWithState(StateSpec.function(Counts::update)).name("counts")
 *     .foreachBatch(group.sink("counts-out", Pair::key, new StringSerializer(), Pair::value, new LongSerializer()));
 * ssc.start();
 * }</pre>
 *
 * <p>Any instance can say which instance holds a key ({@link #locate}, with the {@link
 * Builder#applicationServer} each instance publishes and the producers' partitioning, {@link
 * Builder#keySerializer}), so that a lookup can be sent there.
 *
 * <p>With {@link Builder#numStandbyReplicas} other instances keep warm copies of each key group,
 * so that a group whose instance dies or leaves restores only what its standby had not read yet.
 *
 * <p>With a checkpoint directory ({@code ssc.checkpoint(dir)}) the instance keeps local checkpoints:
 * restarted in place, it restores the newest and reads only the changelogs' tail after it.
 * Not yet: timeouts in mapWithState. The program is checked
 * at start: its stateful operators must keep the topics' keys and be named.
 *
 * @param <K> the topics' key type
 * @param <V> the topics' value type
 */
public final class KafkaGroup<K, V> {
  private final Map<String, Object> consumerProperties;
  private final String applicationId;
  private final List<String> topics;
  private final String instanceId;
  private final String applicationServer;
  private final long maxRatePerPartition;
  private final Duration sessionTimeout;
  private final Duration transactionTimeout;
  private final Duration livenessInterval;
  private final Duration livenessTimeout;
  private final int numStandbyReplicas;
  private final KeyPartitioner<? super K> keyPartitioner;
  private volatile GroupMember member;
  private volatile GroupKeyLocator locator;

  private KafkaGroup(Builder<K, V> b) {
    this.consumerProperties = Map.copyOf(b.properties);
    this.applicationId = b.applicationId;
    this.topics = b.topics;
    this.instanceId = b.instanceId;
    this.applicationServer = b.applicationServer;
    this.maxRatePerPartition = b.maxRatePerPartition;
    this.sessionTimeout = b.sessionTimeout;
    this.transactionTimeout = b.transactionTimeout;
    this.livenessInterval = b.livenessInterval;
    this.livenessTimeout = b.livenessTimeout;
    this.numStandbyReplicas = b.numStandbyReplicas;
    this.keyPartitioner = b.keyPartitioner != null ? b.keyPartitioner
        : b.keySerializer != null ? KeyPartitioner.murmur2(b.keySerializer, b.topics.get(0)) : null;
  }

  /**
   * @param consumerProperties {@code bootstrap.servers}, {@code key.deserializer} and {@code
   *     value.deserializer}, and any connection or security settings (shared by the group's clients)
   * @return a builder
   */
  public static <K, V> Builder<K, V> builder(Map<String, ?> consumerProperties) {
    return new Builder<>(consumerProperties);
  }

  /**
   * Makes {@code ssc} an instance of the group and returns its keyed input: batch partition g
   * holds the records of partition g of every input topic, for the key groups running here.
   *
   * @throws IllegalStateException if this group already made a stream, or {@code ssc} has started
   */
  public synchronized PairDStream<K, V> keyedStream(StreamingContext ssc) {
    if (member != null) {
      throw new IllegalStateException("KafkaGroup " + applicationId + " already made its keyed stream: one per context");
    }
    Map<String, Object> clients = new HashMap<>(consumerProperties);
    clients.keySet().removeIf(k -> k.endsWith(".deserializer") || k.endsWith(".serializer") || k.startsWith("group."));
    KafkaSource<K, V> reader = KafkaSource.<K, V>builder(withoutGroup(consumerProperties)).topics(topics)
        .maxRatePerPartition(maxRatePerPartition).build();
    KeyedGroupSource<K, V> source = new KeyedGroupSource<>(reader, clients, topics, Duration.ofSeconds(10));
    GroupMember m = new GroupMember(new GroupMember.Settings(clients, applicationId, instanceId, topics,
        applicationServer, sessionTimeout, transactionTimeout, livenessInterval, livenessTimeout, numStandbyReplicas));
    @SuppressWarnings("unchecked") // the context's state queries pass keys of the topics' key type
    KeyPartitioner<Object> keys = (KeyPartitioner<Object>) keyPartitioner;
    GroupKeyLocator l = new GroupKeyLocator(applicationId, instanceId, keys, m::hosts);
    m.locateKeysWith(l);
    PairDStream<K, V> stream = ClusterAccess.keyedStream(ssc, source);
    ClusterAccess.joinGroup(ssc, m, applicationId);
    member = m;
    locator = l;
    return stream;
  }

  private static Map<String, Object> withoutGroup(Map<String, Object> properties) {
    Map<String, Object> m = new HashMap<>(properties);
    m.keySet().removeIf(k -> k.startsWith("group."));
    return m;
  }

  /**
   * An output into the group's transaction: each batch's records are committed with its state
   * changes and input offsets, or not at all (a batch that cannot commit is redone by the key
   * groups' next owner). Use it with {@code foreachBatch} on a stream of this group's context.
   *
   * @param topic the output topic
   * @param key an element's record key (may return null)
   * @param keySerializer the key's serializer
   * @param value an element's record value (may return null)
   * @param valueSerializer the value's serializer
   * @return the sink
   */
  public <T, KO, VO> GroupSink<T> sink(String topic, Function<? super T, ? extends KO> key,
      Serializer<KO> keySerializer, Function<? super T, ? extends VO> value, Serializer<VO> valueSerializer) {
    return new GroupSink<>(this::member, topic, key, keySerializer, value, valueSerializer);
  }

  GroupMember member() {
    GroupMember m = member;
    if (m == null) {
      throw new IllegalStateException("KafkaGroup " + applicationId + ": call keyedStream(ssc) before using its sink");
    }
    return m;
  }

  /**
   * Where the state of {@code key} lives (Kafka Streams' {@code queryMetadataForKey}): its key
   * group, the partition the producers send it to, and the instance that runs that group, as of
   * the group's last assignment. The answer can be stale by one rebalance: an instance that is
   * asked for a key it no longer holds answers that it does not hold it.
   *
   * @param key a key of the input topics
   * @return its location; while the group forms or the key's group moves, no instance is known
   *     to run it ({@link KeyLocation#activeHost()} empty and not {@link KeyLocation#localActive()})
   * @throws IllegalStateException if no key serializer or key partitioner was given to the
   *     builder, or the context of this group has not started or has stopped
   * @throws NullPointerException if {@code key} is null (a record without a key has no fixed partition)
   * @throws IllegalArgumentException if the key partitioner returns no partition of the topics
   */
  public KeyLocation locate(K key) {
    if (keyPartitioner == null) {
      throw GroupKeyLocator.noPartitioner(); // the first thing to fix, whatever else is missing
    }
    return locator("locate a key").locate(key);
  }

  /**
   * Every instance of the group that published an {@link Builder#applicationServer address}, with
   * the key groups it runs, as of the group's last assignment (Kafka Streams' {@code
   * metadataForAllStreamsClients}).
   *
   * @return the instances, empty before the first assignment
   * @throws IllegalStateException if the context of this group has not started or has stopped
   */
  public List<GroupHost> hosts() {
    return locator("list its hosts").hosts("list its hosts").snapshot().hosts();
  }

  private GroupKeyLocator locator(String what) {
    GroupKeyLocator l = locator;
    if (l == null) {
      throw new IllegalStateException("KafkaGroup " + applicationId + " cannot " + what + ": it has no"
          + " keyedStream(ssc) yet (instance " + instanceId + ")");
    }
    return l;
  }

  /** @return the instance id of this instance (static group membership and transactional id) */
  public String instanceId() {
    return instanceId;
  }

  private static void checkLiveness(Duration interval, Duration timeout) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("livenessInterval must be positive, got " + interval);
    }
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("livenessTimeout must be positive, or Duration.ZERO for no failure"
          + " detector, got " + timeout);
    }
    if (!timeout.isZero() && timeout.compareTo(interval.multipliedBy(2)) <= 0) {
      throw new IllegalArgumentException("livenessTimeout (" + timeout.toMillis() + " ms) must be more than twice"
          + " the livenessInterval (" + interval.toMillis() + " ms): one late beacon would get a live instance"
          + " fenced. Raise the timeout or lower the interval");
    }
  }

  /**
   * Builds a {@link KafkaGroup}.
   *
   * @param <K> the topics' key type
   * @param <V> the topics' value type
   */
  public static final class Builder<K, V> {
    private final Map<String, Object> properties;
    private String applicationId;
    private List<String> topics;
    private String instanceId = UUID.randomUUID().toString();
    private String applicationServer = "";
    private Duration sessionTimeout = Duration.ofSeconds(10);
    private Duration transactionTimeout = Duration.ofSeconds(10);
    private Duration livenessInterval = GroupMember.DEFAULT_LIVENESS_INTERVAL;
    private Duration livenessTimeout = GroupMember.DEFAULT_LIVENESS_TIMEOUT;
    private long maxRatePerPartition;
    private int numStandbyReplicas;
    private Serializer<? super K> keySerializer;
    private KeyPartitioner<? super K> keyPartitioner;

    private Builder(Map<String, ?> properties) {
      this.properties = new HashMap<>(Objects.requireNonNull(properties, "properties"));
    }

    /**
     * @param id the group id, and the prefix of the group's topics and transactional ids: the same
     *     on every instance of the program ([a-zA-Z0-9._-])
     * @return this builder
     */
    public Builder<K, V> applicationId(String id) {
      this.applicationId = Objects.requireNonNull(id, "applicationId");
      return this;
    }

    /**
     * @param topics the input topics: co-partitioned (the same partition count), keyed alike
     * @return this builder
     */
    public Builder<K, V> topics(String... topics) {
      this.topics = List.copyOf(Arrays.asList(topics));
      return this;
    }

    /**
     * @param id this instance's id, stable across its restarts (a pod name): its static group
     *     membership and its transactional id. Default: a random id (a restart joins as a new member)
     * @return this builder
     */
    public Builder<K, V> instanceId(String id) {
      this.instanceId = Objects.requireNonNull(id, "instanceId");
      return this;
    }

    /**
     * @param hostAndPort where this instance answers lookups (its status page), published to the
     *     group: {@link KafkaGroup#locate} and {@link KafkaGroup#hosts} name instances by it.
     *     Default: the address of the context's status page ({@code StreamingConfig.statusAddress};
     *     a page listening on every interface publishes this machine's host name), whose {@code
     *     /api/state/<operator>?key=} answers for the whole group, redirecting to the instance that
     *     holds the key; none without a page (the instance is not listed and its keys have no known
     *     host elsewhere)
     * @return this builder
     */
    public Builder<K, V> applicationServer(String hostAndPort) {
      this.applicationServer = Objects.requireNonNull(hostAndPort, "applicationServer");
      return this;
    }

    /**
     * @param timeout how long the group waits for a silent instance before its groups move
     *     (default 10 s; at least the broker's {@code group.min.session.timeout.ms})
     * @return this builder
     */
    public Builder<K, V> sessionTimeout(Duration timeout) {
      this.sessionTimeout = Objects.requireNonNull(timeout, "sessionTimeout");
      return this;
    }

    /**
     * @param timeout the transactions' timeout (default 10 s)
     * @return this builder
     */
    public Builder<K, V> transactionTimeout(Duration timeout) {
      this.transactionTimeout = Objects.requireNonNull(timeout, "transactionTimeout");
      return this;
    }

    /**
     * @param interval how often this instance sends its liveness beacon to the group's liveness
     *     topic ({@code <applicationId>-uji-liveness}; default 250 ms)
     * @return this builder
     */
    public Builder<K, V> livenessInterval(Duration interval) {
      this.livenessInterval = Objects.requireNonNull(interval, "livenessInterval");
      return this;
    }

    /**
     * @param timeout how long another instance may send no liveness beacon before this group
     *     removes it from the consumer group and fences its transactions, so that its key groups
     *     move at once rather than after the {@link #sessionTimeout} (default 1.5 s; more than
     *     twice the {@link #livenessInterval}). A paused instance fenced this way loses its key
     *     groups and joins again; nothing it computed counts. {@code Duration.ZERO} turns this
     *     instance's detector off (its beacon still runs)
     * @return this builder
     */
    public Builder<K, V> livenessTimeout(Duration timeout) {
      this.livenessTimeout = Objects.requireNonNull(timeout, "livenessTimeout");
      return this;
    }

    /**
     * @param recordsPerSecond records per input partition per second of batch interval that a batch
     *     takes at most (Spark's {@code spark.streaming.kafka.maxRatePerPartition}); 0, the default,
     *     for no bound other than backpressure, which is always on in a group
     * @return this builder
     */
    public Builder<K, V> maxRatePerPartition(long recordsPerSecond) {
      if (recordsPerSecond < 0) {
        throw new IllegalArgumentException("maxRatePerPartition must be >= 0, got " + recordsPerSecond);
      }
      this.maxRatePerPartition = recordsPerSecond;
      return this;
    }

    /**
     * @param replicas how many other instances keep a standby copy of each key group (Kafka Streams'
     *     {@code num.standby.replicas}; default 0): they read its changelog as it is written, and
     *     when the group's instance dies or leaves, the group goes to one of them, which restores
     *     only the changes it had not read yet instead of the whole changelog. Fewer when the group
     *     has fewer other instances. Costs each standby the copy's disk and the changelog's reads.
     *     The group's leader plans with its own setting: give every instance the same one
     * @return this builder
     */
    public Builder<K, V> numStandbyReplicas(int replicas) {
      if (replicas < 0) {
        throw new IllegalArgumentException("numStandbyReplicas must be >= 0, got " + replicas);
      }
      this.numStandbyReplicas = replicas;
      return this;
    }

    /**
     * @param serializer the producers' key serializer, for {@link KafkaGroup#locate}: a key's
     *     partition is Kafka's default one (murmur2 of the serialized key), as the Java producer
     *     chooses it. Used as given (configure it first if it needs configuring)
     * @return this builder
     */
    public Builder<K, V> keySerializer(Serializer<? super K> serializer) {
      this.keySerializer = Objects.requireNonNull(serializer, "keySerializer");
      return this;
    }

    /**
     * @param partitioner the producers' partitioning of keys, for {@link KafkaGroup#locate} when
     *     they do not use Kafka's default partitioner (it wins over {@link #keySerializer})
     * @return this builder
     */
    public Builder<K, V> keyPartitioner(KeyPartitioner<? super K> partitioner) {
      this.keyPartitioner = Objects.requireNonNull(partitioner, "keyPartitioner");
      return this;
    }

    /**
     * @return the group
     * @throws IllegalArgumentException if the application id or the topics are missing, the
     *     deserializers or bootstrap servers are not in the properties, or the liveness timeout is
     *     not more than twice the interval
     */
    public KafkaGroup<K, V> build() {
      if (applicationId == null || applicationId.isBlank()) {
        throw new IllegalArgumentException("A KafkaGroup needs an applicationId");
      }
      if (topics == null || topics.isEmpty()) {
        throw new IllegalArgumentException("A KafkaGroup needs its input topics");
      }
      for (String required : List.of("bootstrap.servers", "key.deserializer", "value.deserializer")) {
        if (!properties.containsKey(required)) {
          throw new IllegalArgumentException("A KafkaGroup's properties need " + required);
        }
      }
      ChangelogTopics.name(applicationId, "x"); // the id's characters, checked now
      checkLiveness(livenessInterval, livenessTimeout);
      return new KafkaGroup<>(this);
    }
  }
}
