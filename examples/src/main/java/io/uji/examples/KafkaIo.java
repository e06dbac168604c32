package io.uji.examples;

import io.uji.kafka.KafkaRecord;
import io.uji.kafka.KafkaSink;
import io.uji.kafka.KafkaSource;
import io.uji.streaming.DStream;
import io.uji.streaming.Pair;
import io.uji.streaming.StreamingContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The demo's Kafka input and output: the users of the events in a topic (the loader's key
 * {@code "user-N"}; the value is not needed), and a topic of each batch's updated counts,
 * written exactly once by a transactional sink.
 */
final class KafkaIo {
  private KafkaIo() {}

  /** The user of every event of {@code o.topic}. */
  static DStream<String> users(StreamingContext ssc, SessionCount.Options o) {
    Map<String, Object> props = new HashMap<>(Map.of("bootstrap.servers", o.bootstrap,
        "key.deserializer", StringDeserializer.class, "value.deserializer", ByteArrayDeserializer.class));
    if (o.group != null) {
      props.put("group.id", o.group); // the offsets of completed batches, for lag tools
    }
    KafkaSource<String, byte[]> source = KafkaSource.<String, byte[]>builder(props).topics(o.topic)
        .maxRatePerPartition(o.maxRatePerPartition).build();
    return ssc.replayableStream(source).map(KafkaRecord::key);
  }

  /**
   * Writes each batch's updated counts (key: the user, value: the count as text) to
   * {@code o.outputTopic} in one transaction per batch.
   */
  static KafkaSink<Pair<String, Long>> countsSink(SessionCount.Options o) {
    return KafkaSink.<Pair<String, Long>>builder(Map.of("bootstrap.servers", o.bootstrap,
            "key.serializer", StringSerializer.class, "value.serializer", StringSerializer.class))
        .topic(o.outputTopic)
        .transactionalId(o.transactionalId != null ? o.transactionalId : "uji-session-count-" + o.outputTopic)
        .key(Pair::key)
        .value(p -> Long.toString(p.value()))
        .build();
  }

  /**
   * Creates the output topic if it does not exist (the sink never creates topics).
   *
   * @return whether it was created
   * @throws IllegalStateException if Kafka did not answer within a minute
   */
  static boolean ensureTopic(String bootstrap, String topic, int partitions) {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty())))
          .all().get(60, TimeUnit.SECONDS);
      return true;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TopicExistsException) {
        return false;
      }
      throw new IllegalStateException("Cannot create topic " + topic + " at " + bootstrap + ": " + e.getCause(), e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka at " + bootstrap + " did not answer within 60 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating topic " + topic, e);
    }
  }
}
