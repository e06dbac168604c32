package io.uji.kafka;

import static org.awaitility.Awaitility.await;

import io.uji.kafka.local.LocalKafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Kafka clients for the tests, over one broker: topics, producing, reading with read_committed. */
final class TestKafka {
  static final Duration WAIT = Duration.ofSeconds(60);
  private static final AtomicInteger NAMES = new AtomicInteger();

  final LocalKafkaBroker broker;

  TestKafka(LocalKafkaBroker broker) {
    this.broker = broker;
  }

  String bootstrap() {
    return broker.bootstrapServers();
  }

  /** @return a name no other test of this run uses (the shared broker keeps every topic) */
  static String unique(String prefix) {
    return prefix + "-" + NAMES.incrementAndGet() + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
  }

  Admin admin() {
    return Admin.create(Map.of("bootstrap.servers", bootstrap()));
  }

  /** Creates a topic with a unique name; @return the name. */
  String createTopic(String prefix, int partitions) {
    String topic = unique(prefix);
    try (Admin admin = admin()) {
      get(admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all());
      awaitLeaders(admin, topic, partitions);
    }
    return topic;
  }

  /**
   * Waits until every partition of a topic just created answers on its leader: a producer that
   * sends to a partition whose leader is not ready yet may get NOT_LEADER for one batch after the
   * next was stored, and an idempotent producer then retries out of order for good (seen on busy
   * machines).
   */
  static void awaitLeaders(Admin admin, String topic, int partitions) {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    await().atMost(WAIT).ignoreExceptions().until(() -> {
      admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
      return true;
    });
  }

  /** String source properties: the deserializers and, if not null, a group. */
  Map<String, Object> consumerProperties(String group) {
    Map<String, Object> m = new HashMap<>(Map.of("bootstrap.servers", bootstrap(),
        "key.deserializer", StringDeserializer.class, "value.deserializer", StringDeserializer.class));
    if (group != null) {
      m.put("group.id", group);
    }
    return m;
  }

  Map<String, Object> producerProperties() {
    return new HashMap<>(Map.of("bootstrap.servers", bootstrap(),
        "key.serializer", StringSerializer.class, "value.serializer", StringSerializer.class));
  }

  KafkaProducer<String, String> producer(Map<String, Object> more) {
    Map<String, Object> config = new HashMap<>(Map.of("bootstrap.servers", bootstrap(), "acks", "all"));
    config.putAll(more);
    return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
  }

  /** Sends key = value = {@code prefix + i} for i in [from, until) to one partition, acknowledged. */
  void produce(String topic, int partition, String prefix, int from, int until) {
    try (KafkaProducer<String, String> producer = producer(Map.of("linger.ms", 5))) {
      List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
      for (int i = from; i < until; i++) {
        acks.add(producer.send(new ProducerRecord<>(topic, partition, prefix + i, prefix + i)));
      }
      for (java.util.concurrent.Future<?> a : acks) {
        a.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError("cannot produce to " + topic, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Every record of the topic a read_committed consumer sees, per partition in offset order. */
  List<ConsumerRecord<String, String>> readCommitted(String topic) {
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    Map<String, Object> config = new HashMap<>(Map.of("bootstrap.servers", bootstrap(),
        "isolation.level", "read_committed", "enable.auto.commit", false, "auto.offset.reset", "earliest"));
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> tps = consumer.partitionsFor(topic, WAIT).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<TopicPartition, Long> end = consumer.endOffsets(tps, WAIT);
      await().atMost(WAIT).until(() -> {
        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
        return tps.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
      });
    }
    return records;
  }

  /** Deletes the records before {@code offset} of a partition (as retention would). */
  void deleteRecordsBefore(String topic, int partition, long offset) {
    try (Admin admin = admin()) {
      get(admin.deleteRecords(Map.of(new TopicPartition(topic, partition), RecordsToDelete.beforeOffset(offset)))
          .all());
    }
  }

  /** @return the last stable offset of every partition of the topic */
  Map<TopicPartition, Long> endOffsets(String topic, int partitions) {
    Map<TopicPartition, OffsetSpec> spec = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      spec.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    try (Admin admin = admin()) {
      Map<TopicPartition, Long> out = new HashMap<>();
      get(admin.listOffsets(spec, new org.apache.kafka.clients.admin.ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
          .all()).forEach((tp, info) -> out.put(tp, info.offset()));
      return out;
    }
  }

  /** @return the group's committed offsets */
  Map<TopicPartition, Long> groupOffsets(String group) {
    try (Admin admin = admin()) {
      Map<TopicPartition, Long> out = new HashMap<>();
      Map<TopicPartition, OffsetAndMetadata> m = get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
      m.forEach((tp, o) -> out.put(tp, o == null ? -1 : o.offset()));
      return out;
    }
  }

  static <T> T get(org.apache.kafka.common.KafkaFuture<T> f) {
    try {
      return f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
