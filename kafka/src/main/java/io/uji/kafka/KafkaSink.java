package io.uji.kafka;

import io.uji.streaming.Dataset;
import io.uji.streaming.Duration;
import io.uji.streaming.Time;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A transactional Kafka sink, exactly once: each batch's records go to the output topic in one
 * Kafka transaction, and a batch that Uji replays after a crash is not written a second time. Use
 * it as an output operation:
 *
 * <pre>{@code
 * KafkaSink<Pair<String, Long>> sink = KafkaSink.<Pair<String, Long>>builder(Map.of(
 *         "bootstrap.servers", "127.0.0.1:9092",
 *         "key.serializer", StringSerializer.class,
 *         "value.serializer", StringSerializer.class))
 *     .topic("counts")
 *     .transactionalId("session-count")
 *     .key(Pair::key)
 *     .value(p -> Long.toString(p.value()))
 *     .build();
 * counts.foreachBatch(sink);   // closed by the context when it stops
 * }</pre>
 *
 * <p><b>How.</b> With each batch's records, the same transaction commits a marker: the offset of
 * consumer group {@code uji-sink-<transactionalId>} on partition 0 of the output topic, whose value
 * is the batch time in ms. Kafka commits a transaction's records and offsets atomically, so the
 * marker is exactly the last batch whose records are in the topic. The sink reads it when it
 * opens (after {@code initTransactions}, which aborts whatever a crashed predecessor left open)
 * and then tracks it; a batch at or before it is skipped. A read_committed consumer of the topic
 * therefore sees every batch's records exactly once, whenever the program was killed: before the
 * commit the transaction is aborted and the batch replayed; after it, the replay is skipped.
 *
 * <p><b>The transactional id</b> must be stable across restarts of the program and used by no
 * other: a newer producer with the same id fences the older (a zombie), which then fails with
 * an error naming the id. It also marks which batch times are done, so a new program (or a new
 * checkpoint directory, or a clock that starts again) needs a new id.
 *
 * <p><b>Failures.</b> A transaction that fails for a reason that may pass (the broker restarts,
 * a timeout) is retried with a new producer, with backoff and a WARN at most every 30 s, until it
 * succeeds or the context stops; before retrying, the marker is read again (the commit may have
 * happened). A record that cannot be serialized or is too large, missing rights or a missing
 * topic fail the batch with a {@link UjiKafkaException}.
 *
 * <p><b>At least once.</b> Built with {@link Builder#atLeastOnce()}, the sink uses a plain
 * idempotent producer instead: each batch's records are sent and flushed before the batch
 * completes (so nothing of a completed batch is missing), with no transaction, no marker and no
 * transactional id; a batch replayed after a crash is written again. Cheaper per batch than a
 * transaction, for consumers that tolerate duplicates (or read_uncommitted ones).
 *
 * @param <T> the element type of the stream written
 */
public final class KafkaSink<T> implements BiConsumer<Dataset<T>, Time>, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaSink.class);
  private static final java.time.Duration MAX_BACKOFF = java.time.Duration.ofSeconds(5);
  private static final java.time.Duration CLOSE_TIMEOUT = java.time.Duration.ofSeconds(5);

  private final SinkSettings<T> settings;
  private final BatchMarker marker;
  private final Throttle retryWarnings = Throttle.warnings();
  private volatile Admin admin;
  private volatile TransactionalWriter<T> writer;
  /** The at-least-once sink's producer, opened at its first batch. */
  private volatile FlushingWriter<T> flushing;
  /** Whether the marker was read once: from then on, a marker that moved unexpectedly means another writer. */
  private boolean markerRead;
  /** The time of the last batch whose transaction committed (as the marker said, or this sink did). */
  private long lastCommitted = BatchMarker.NONE;
  private volatile boolean closed;

  private KafkaSink(SinkSettings<T> settings) {
    this.settings = settings;
    this.marker = settings.atLeastOnce() ? null
        : BatchMarker.of(settings.transactionalId(), settings.topic(), settings.producerProperties());
  }

  /**
   * A builder over the user's producer properties: {@code bootstrap.servers} is required, the
   * serializers come from {@code key.serializer} / {@code value.serializer} unless given to the
   * builder. Uji sets {@code transactional.id}, {@code enable.idempotence=true} and {@code acks=all}.
   */
  public static <T> Builder<T> builder(Map<String, ?> producerProperties) {
    return new Builder<>(producerProperties);
  }

  /**
   * Writes the batch at {@code time} in one transaction, unless the sink's marker says a batch at
   * or after {@code time} was committed already (then it was written before a crash and is being
   * replayed). Runs on the batch thread; the records of the dataset's partitions are sent in
   * parallel.
   *
   * @throws UjiKafkaException if another producer with this transactional id took over, a record
   *     cannot be written (serialization, size, rights, missing topic), or the context stopped
   *     before the batch could be written
   * @throws IllegalStateException if the sink was closed
   */
  @Override
  public void accept(Dataset<T> batch, Time time) {
    if (closed) {
      throw new IllegalStateException("The Kafka sink " + name() + " is closed (its context "
          + "stopped); build a new one for a new context");
    }
    if (batch.isEmpty()) {
      return; // nothing to write, nor to skip
    }
    if (settings.atLeastOnce()) {
      writeAtLeastOnce(batch, time);
      return;
    }
    long t = time.milliseconds();
    Backoff backoff = new Backoff(MAX_BACKOFF);
    while (true) {
      long before = lastCommitted;
      try {
        TransactionalWriter<T> w = openWriter(t, before);
        if (t <= lastCommitted) {
          LOG.info("Batch {} is in topic {} already (committed by transactional id {} before a restart); not writing "
              + "it again", time, settings.topic(), settings.transactionalId());
          return;
        }
        w.write(batch, t);
        lastCommitted = t;
        return;
      } catch (ProducerFencedException | InvalidProducerEpochException e) {
        closeWriter();
        throw fenced(e);
      } catch (InterruptException e) {
        closeWriter();
        throw e;
      } catch (KafkaException e) {
        closeWriter();
        if (permanent(e)) {
          throw new UjiKafkaException("Cannot write batch " + time + " to topic " + settings.topic() + " at "
              + settings.bootstrap() + " (transactional id " + settings.transactionalId() + "): " + e, e);
        }
        retryAfter(e, time, backoff);
      } catch (RuntimeException | Error e) {
        closeWriter();
        throw e;
      }
    }
  }

  /** Sends and flushes the batch; a failure that may pass is retried with a new producer (the batch again, whole). */
  private void writeAtLeastOnce(Dataset<T> batch, Time time) {
    Backoff backoff = new Backoff(MAX_BACKOFF);
    while (true) {
      try {
        FlushingWriter<T> w = flushing;
        if (w == null) {
          w = FlushingWriter.open(settings);
          flushing = w;
          if (closed) {
            closeFlushing();
            throw new UjiKafkaException("The Kafka sink " + name() + " was closed (its context stopped) before batch "
                + time + " could be written");
          }
        }
        w.write(batch);
        return;
      } catch (InterruptException e) {
        closeFlushing();
        throw e;
      } catch (KafkaException e) {
        closeFlushing();
        if (permanent(e)) {
          throw new UjiKafkaException("Cannot write batch " + time + " to topic " + settings.topic() + " at "
              + settings.bootstrap() + " (at-least-once sink): " + e, e);
        }
        retryAfter(e, time, backoff);
      } catch (RuntimeException | Error e) {
        closeFlushing();
        throw e;
      }
    }
  }

  private void closeFlushing() {
    FlushingWriter<T> w = flushing;
    flushing = null;
    if (w != null) {
      try {
        w.closeNow();
      } catch (RuntimeException e) {
        LOG.warn("Closing the producer of Kafka sink {} failed", name(), e);
      }
    }
  }

  /** @return the transactional id, or what an at-least-once sink writes to */
  private String name() {
    return settings.atLeastOnce() ? "at-least-once to " + settings.topic() : settings.transactionalId();
  }

  /**
   * @return the writer, opening one if there is none: then the marker is read again, and if it
   *     moved to a batch this sink did not write, another instance is writing
   */
  private TransactionalWriter<T> openWriter(long batchTime, long knownCommitted) {
    TransactionalWriter<T> w = writer;
    if (w != null) {
      return w;
    }
    if (admin == null) {
      admin = Admin.create(ClientConfigs.admin(settings.producerProperties(), "uji-sink-" + settings.transactionalId()
          + "-admin"));
    }
    w = TransactionalWriter.open(settings, marker);
    writer = w;
    if (closed) { // close() ran meanwhile and did not see this writer
      closeWriter();
      throw new UjiKafkaException("The Kafka sink " + settings.transactionalId() + " was closed (its context stopped) "
          + "before batch " + batchTime + " ms could be written; it is written when the context starts again");
    }
    Deadline deadline = Deadline.in(settings.requestTimeout());
    try {
      if (!markerRead) {
        checkTopicExists(deadline);
      }
      long found = marker.read(admin, deadline);
      if (markerRead && found != knownCommitted && found != batchTime) {
        throw new UjiKafkaException("Another instance took over Kafka sink " + settings.transactionalId() + ": topic "
            + settings.topic() + " holds batch " + found + " ms, which this one did not write (it last wrote "
            + knownCommitted + " ms and was writing " + batchTime + " ms); two programs must not share a "
            + "transactional id");
      }
      if (!markerRead && found != BatchMarker.NONE) {
        LOG.info("Kafka sink {}: the last batch committed to topic {} is {} ms", settings.transactionalId(),
            settings.topic(), found);
      }
      markerRead = true;
      lastCommitted = found;
      return w;
    } catch (ExecutionException e) {
      throw kafkaFailure(e.getCause());
    } catch (TimeoutException e) {
      throw new org.apache.kafka.common.errors.TimeoutException("Reading the marker of Kafka sink "
          + settings.transactionalId() + " timed out after " + settings.requestTimeout().toMillis() + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptException(e);
    }
  }

  private void checkTopicExists(Deadline deadline) throws ExecutionException, TimeoutException, InterruptedException {
    try {
      deadline.await(admin.describeTopics(List.of(settings.topic()),
          new DescribeTopicsOptions().timeoutMs(deadline.remainingMs())).allTopicNames());
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        throw new UjiKafkaException("The output topic " + settings.topic() + " of Kafka sink "
            + settings.transactionalId() + " does not exist at " + settings.bootstrap()
            + ": create it first (Uji does not create topics)");
      }
      throw e;
    }
  }

  private static KafkaException kafkaFailure(Throwable cause) {
    return cause instanceof KafkaException k ? k : new KafkaException(cause);
  }

  private void retryAfter(KafkaException e, Time time, Backoff backoff) {
    long ms = backoff.nextMs();
    if (retryWarnings.allow()) {
      LOG.warn("Writing batch {} to topic {} at {} failed ({}); retrying with a new producer (sink {}) "
          + "in {} ms until it succeeds or the context stops", time, settings.topic(), settings.bootstrap(), e,
          name(), ms);
    }
    try {
      Thread.sleep(ms);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new InterruptException(interrupted);
    }
    if (closed) {
      throw new UjiKafkaException("The Kafka sink " + name() + " was closed (its context stopped) "
          + "while batch " + time + " could not be written (" + e + "); it is written when the context starts again", e);
    }
  }

  private UjiKafkaException fenced(KafkaException e) {
    return new UjiKafkaException("Kafka sink " + settings.transactionalId() + " was fenced: another instance took "
        + "over (a producer with the same transactional id started), or the broker aborted this transaction "
        + "after transaction.timeout.ms; this instance stops writing to topic " + settings.topic(), e);
  }

  /** Errors that retrying cannot cure: the batch fails. */
  private static boolean permanent(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof SerializationException || c instanceof RecordTooLargeException
          || c instanceof AuthorizationException || c instanceof AuthenticationException
          || c instanceof InvalidTopicException || c instanceof UnsupportedVersionException
          || c instanceof ConfigException) {
        return true;
      }
    }
    for (Throwable s : e.getSuppressed()) {
      if (permanent(s)) {
        return true;
      }
    }
    return false;
  }

  private void closeWriter() {
    TransactionalWriter<T> w = writer;
    writer = null;
    if (w != null) {
      try {
        w.closeNow();
      } catch (RuntimeException e) {
        LOG.warn("Closing the producer of Kafka sink {} failed", settings.transactionalId(), e);
      }
    }
  }

  /** Closes the producer and the admin client (called by the context when it stops). Idempotent. */
  @Override
  public void close() {
    closed = true;
    TransactionalWriter<T> w = writer;
    writer = null;
    if (w != null) {
      w.close(CLOSE_TIMEOUT);
    }
    FlushingWriter<T> f = flushing;
    flushing = null;
    if (f != null) {
      f.close(CLOSE_TIMEOUT);
    }
    Admin a = admin;
    if (a != null) {
      a.close(CLOSE_TIMEOUT);
    }
  }

  @Override
  public String toString() {
    return "KafkaSink[" + settings.topic() + " at " + settings.bootstrap() + (settings.atLeastOnce()
        ? ", at least once]" : ", transactional id " + settings.transactionalId() + "]");
  }

  /**
   * Builds a {@link KafkaSink}: {@link #topic}, {@link #transactionalId} (or the
   * {@code transactional.id} property), {@link #key} and {@link #value} are required.
   *
   * @param <T> the element type of the stream written
   */
  public static final class Builder<T> {
    private final Map<String, Object> properties;
    private String topic;
    private String transactionalId;
    private Function<? super T, ?> key;
    private Function<? super T, ?> value;
    private Supplier<? extends Serializer<?>> keySerializer;
    private Supplier<? extends Serializer<?>> valueSerializer;
    private java.time.Duration requestTimeout = java.time.Duration.ofSeconds(30);
    private boolean atLeastOnce;

    private Builder(Map<String, ?> producerProperties) {
      this.properties = new HashMap<>(Objects.requireNonNull(producerProperties, "producerProperties"));
      Object id = properties.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
      this.transactionalId = id == null ? null : String.valueOf(id);
    }

    /** The output topic (it must exist). */
    public Builder<T> topic(String topic) {
      this.topic = Objects.requireNonNull(topic, "topic");
      return this;
    }

    /** The producer's transactional id: stable across restarts, unique to this program and output. */
    public Builder<T> transactionalId(String id) {
      this.transactionalId = Objects.requireNonNull(id, "id");
      return this;
    }

    /** The record key of an element (by the key serializer's type; may return null). */
    public Builder<T> key(Function<? super T, ?> key) {
      this.key = Objects.requireNonNull(key, "key");
      return this;
    }

    /** The record value of an element (by the value serializer's type; may return null). */
    public Builder<T> value(Function<? super T, ?> value) {
      this.value = Objects.requireNonNull(value, "value");
      return this;
    }

    /** A new key serializer for each producer, instead of the {@code key.serializer} property. */
    public Builder<T> keySerializer(Supplier<? extends Serializer<?>> serializer) {
      this.keySerializer = Objects.requireNonNull(serializer, "serializer");
      return this;
    }

    /** A new value serializer for each producer, instead of the {@code value.serializer} property. */
    public Builder<T> valueSerializer(Supplier<? extends Serializer<?>> serializer) {
      this.valueSerializer = Objects.requireNonNull(serializer, "serializer");
      return this;
    }

    /**
     * Writes at least once instead of exactly once: a plain idempotent producer, each batch sent
     * and flushed before the batch completes, no transaction (no transactional id needed; one
     * given is not used). A batch replayed after a crash is written again.
     */
    public Builder<T> atLeastOnce() {
      this.atLeastOnce = true;
      return this;
    }

    /** How long reading the sink's marker may take when a producer opens (default 30 s), before a retry. */
    public Builder<T> requestTimeout(Duration timeout) {
      if (timeout.milliseconds() <= 0) {
        throw new IllegalArgumentException("requestTimeout must be positive, got " + timeout);
      }
      this.requestTimeout = java.time.Duration.ofMillis(timeout.milliseconds());
      return this;
    }

    /**
     * @throws IllegalArgumentException if the topic, the transactional id, the key or value
     *     function, {@code bootstrap.servers} or a serializer is missing
     */
    public KafkaSink<T> build() {
      if (topic == null || topic.isBlank()) {
        throw new IllegalArgumentException("A Kafka sink needs topic(...)");
      }
      if (!atLeastOnce && (transactionalId == null || transactionalId.isBlank())) {
        throw new IllegalArgumentException("A Kafka sink needs transactionalId(...) (or the transactional.id "
            + "property): stable across restarts, unique to this program and output");
      }
      if (key == null || value == null) {
        throw new IllegalArgumentException("A Kafka sink needs key(...) and value(...)");
      }
      require(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "the brokers to connect to, host:port[,host:port...]");
      if (keySerializer == null) {
        require(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, "or keySerializer(...) on the builder");
      }
      if (valueSerializer == null) {
        require(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, "or valueSerializer(...) on the builder");
      }
      return new KafkaSink<>(new SinkSettings<>(Collections.unmodifiableMap(new HashMap<>(properties)), topic,
          atLeastOnce ? null : transactionalId, key, value, keySerializer, valueSerializer, requestTimeout,
          atLeastOnce));
    }

    private void require(String k, String what) {
      Object v = properties.get(k);
      if (v == null || String.valueOf(v).isBlank()) {
        throw new IllegalArgumentException("A Kafka sink needs the producer property " + k + " (" + what + ")");
      }
    }
  }
}
