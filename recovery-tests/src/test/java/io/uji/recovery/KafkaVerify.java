package io.uji.recovery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.uji.kafka.local.SessionEvents;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Checks a finished {@link KafkaJobMain} against the ground truth, computed apart from the job. */
final class KafkaVerify {
  private KafkaVerify() {}

  /** The ground truth: events per user key of the session-count events {@code [0, events)}. */
  static Map<String, Long> countsPerUser(long events, long users) {
    Map<String, Long> m = new TreeMap<>();
    for (long i = 0; i < events; i++) {
      m.merge(SessionEvents.key(i, users), 1L, Long::sum);
    }
    return m;
  }

  /** The state the job wrote at the end equals the ground truth. */
  static void finalState(Path out, Map<String, Long> truth) {
    assertEquals(truth, KafkaJobMain.readFinalState(out), "per-user counts in the final state");
  }

  /**
   * The output topic, read with read_committed: every user's updates are strictly increasing (a
   * batch written twice would repeat one; a lost batch could not be seen here, but the last one is
   * checked) and the last is the user's total.
   *
   * @return the number of updates read
   */
  static int outputTopic(String bootstrap, String topic, Map<String, Long> truth) {
    Map<String, List<ConsumerRecord<String, Long>>> records = new TreeMap<>();
    for (ConsumerRecord<String, Long> r : readCommitted(bootstrap, topic)) {
      records.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
    }
    int n = 0;
    Map<String, Long> last = new TreeMap<>();
    for (Map.Entry<String, List<ConsumerRecord<String, Long>>> e : records.entrySet()) {
      List<Long> list = e.getValue().stream().map(ConsumerRecord::value).toList();
      for (int i = 1; i < list.size(); i++) {
        if (list.get(i) <= list.get(i - 1)) {
          // Where and when each update was written, to match against the instances' logs.
          List<String> where = e.getValue().stream()
              .map(r -> r.value() + "@" + r.partition() + "/" + r.offset() + " t=" + r.timestamp()).toList();
          fail("user " + e.getKey() + ": updates not strictly increasing (a batch written twice?): "
              + list + " (count@partition/offset t=time written: " + where + "; truth "
              + truth.get(e.getKey()) + ")");
        }
      }
      last.put(e.getKey(), list.get(list.size() - 1));
      n += list.size();
    }
    assertEquals(truth, last, "the last update of every user in topic " + topic);
    return n;
  }

  private static List<ConsumerRecord<String, Long>> readCommitted(String bootstrap, String topic) {
    List<ConsumerRecord<String, Long>> records = new ArrayList<>();
    Map<String, Object> config = Map.of("bootstrap.servers", bootstrap, "isolation.level", "read_committed",
        "enable.auto.commit", false, "max.poll.records", 10_000);
    Duration wait = Duration.ofSeconds(60);
    try (KafkaConsumer<String, Long> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new LongDeserializer())) {
      List<TopicPartition> tps = consumer.partitionsFor(topic, wait).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<TopicPartition, Long> end = consumer.endOffsets(tps, wait);
      // Reads on while records come (a million-user run's output is millions of updates; one
      // poll per Awaitility interval would read 5 000 a second), and waits only when none do.
      await().atMost(wait).pollInterval(Duration.ofMillis(10)).until(() -> {
        int got;
        do {
          var polled = consumer.poll(Duration.ofMillis(100));
          polled.forEach(records::add);
          got = polled.count();
        } while (got > 0 && !tps.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp)));
        return tps.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
      });
    }
    return records;
  }
}
