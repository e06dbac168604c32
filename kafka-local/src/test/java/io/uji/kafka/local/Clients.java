package io.uji.kafka.local;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Kafka clients for the tests: topic creation, producing and reading strings. */
final class Clients {
  static final Duration WAIT = Duration.ofSeconds(60);

  private Clients() {}

  static Admin admin(String bootstrap) {
    return Admin.create(Map.of("bootstrap.servers", bootstrap));
  }

  static void createTopic(String bootstrap, String topic, int partitions) {
    try (Admin admin = admin(bootstrap)) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError("cannot create " + topic, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static KafkaProducer<String, String> producer(String bootstrap, Map<String, Object> more) {
    Map<String, Object> config = new HashMap<>(Map.of("bootstrap.servers", bootstrap, "acks", "all"));
    config.putAll(more);
    return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
  }

  static KafkaConsumer<String, String> consumer(String bootstrap, Map<String, Object> more) {
    Map<String, Object> config = new HashMap<>(Map.of("bootstrap.servers", bootstrap,
        "auto.offset.reset", "earliest", "enable.auto.commit", false));
    config.putAll(more);
    return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
  }

  /** Sends the values (key = value) to partition 0 and waits for every acknowledgement. */
  static void produce(String bootstrap, String topic, List<String> values) {
    try (KafkaProducer<String, String> producer = producer(bootstrap, Map.of())) {
      for (String v : values) {
        producer.send(new ProducerRecord<>(topic, 0, v, v)).get(60, TimeUnit.SECONDS);
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError("cannot produce to " + topic, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * Reads partition 0 of {@code topic} from its beginning up to its end offset (as the consumer's
   * isolation level sees it) and returns the records.
   */
  static List<ConsumerRecord<String, String>> readAll(String bootstrap, String topic, Map<String, Object> more) {
    TopicPartition tp = new TopicPartition(topic, 0);
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = consumer(bootstrap, more)) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      await().atMost(WAIT).until(() -> {
        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
        return consumer.position(tp) >= end;
      });
    }
    return records;
  }

  static List<String> values(List<ConsumerRecord<String, String>> records) {
    return records.stream().map(ConsumerRecord::value).toList();
  }
}
