package io.uji.kafka;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.engine.cluster.ClusterAccess;
import io.uji.kafka.local.LocalKafkaBroker;
import io.uji.kafka.local.SharedLocalKafkaBroker;
import io.uji.streaming.BatchInfo;
import io.uji.streaming.Durations;
import io.uji.streaming.ManualClock;
import io.uji.streaming.PairDStream;
import io.uji.streaming.State;
import io.uji.streaming.StateSpec;
import io.uji.streaming.StreamingConfig;
import io.uji.streaming.StreamingContext;
import io.uji.streaming.StreamingListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A program in a group, end to end in one JVM: contexts on manual clocks joined through the
 * engine's SPI with {@link GroupMember} and {@link KeyedGroupSource}, a real broker. Per-user
 * counts in mapWithState are exact while key groups move to a joining instance with their state.
 */
@ExtendWith(SharedLocalKafkaBroker.class)
class KafkaGroupProgramTest {
  private static final long INTERVAL = 500;
  private static TestKafka kafka;
  @TempDir Path tmp;
  private final List<Instance> instances = new ArrayList<>();
  private final Map<String, Long> truth = new TreeMap<>();
  private String app;
  private String topic;

  @BeforeAll
  static void setUp(LocalKafkaBroker broker) {
    kafka = new TestKafka(broker);
  }

  @AfterEach
  void stop() {
    instances.forEach(i -> i.ssc.stop(false));
  }

  private final class Instance {
    final ManualClock clock = new ManualClock(0);
    final StreamingContext ssc;
    final Map<Long, BatchInfo> completed = new ConcurrentHashMap<>();
    long last;

    Instance(String id) {
      ssc = new StreamingContext(StreamingConfig.defaults().withClock(clock).withWorkerThreads(2)
          .withStateDir(tmp.resolve("state-" + id)), Durations.milliseconds(INTERVAL));
      ssc.addStreamingListener(new StreamingListener() {
        @Override
        public void onBatchCompleted(BatchInfo b) {
          completed.put(b.batchTime().milliseconds(), b);
        }
      });
      Map<String, Object> props = kafka.consumerProperties(null);
      KeyedGroupSource<String, String> source = new KeyedGroupSource<>(
          KafkaSource.<String, String>builder(props).topics(topic).build(),
          Map.of("bootstrap.servers", kafka.bootstrap()), List.of(topic), Duration.ofSeconds(10));
      PairDStream<String, String> events = ClusterAccess.keyedStream(ssc, source);
      events.mapValues(v -> 1L).reduceByKey(Long::sum)
          .mapWithState(StateSpec.function((String user, Optional<Long> n, State<Long> s) -> {
            s.update(s.getOption().orElse(0L) + n.orElse(0L));
            return s.get();
          })).name("counts").foreachBatch(d -> {});
      GroupMember member = new GroupMember(new GroupMember.Settings(Map.of("bootstrap.servers", kafka.bootstrap()),
          app, id, List.of(topic), "", Duration.ofSeconds(10), Duration.ofSeconds(20)));
      ClusterAccess.joinGroup(ssc, member, app);
      instances.add(this);
      ssc.start();
    }

    void batch() {
      long t = last + INTERVAL;
      clock.setTime(t);
      await().atMost(TestKafka.WAIT).until(() -> completed.containsKey(t));
      last = t;
    }

    Map<String, Long> counts() {
      Map<String, Long> out = new TreeMap<>();
      try (var all = ssc.keyedState("counts", String.class, Long.class).scan()) {
        all.forEach(kv -> out.put(kv.key(), kv.value()));
      }
      return out;
    }
  }

  private void produce(int n, int users) throws Exception {
    try (KafkaProducer<String, String> p = kafka.producer(Map.of("linger.ms", 5))) {
      List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String user = "u" + (i * 7 % users);
        acks.add(p.send(new ProducerRecord<>(topic, user, "e")));
        truth.merge(user, 1L, Long::sum);
      }
      for (var a : acks) {
        a.get(60, TimeUnit.SECONDS);
      }
    }
  }

  /** @return whether the group's committed offsets are the topic's ends */
  private boolean consumedAll() {
    Map<TopicPartition, Long> ends = kafka.endOffsets(topic, 4);
    return kafka.groupOffsets(app).equals(ends);
  }

  @Test
  void countsStayExactWhileKeyGroupsMoveToAJoiningInstance() throws Exception {
    app = TestKafka.unique("grp");
    topic = kafka.createTopic("grp-in", 4);
    produce(400, 30);
    Instance a = new Instance("a");
    await().atMost(TestKafka.WAIT).until(() -> {
      a.batch();
      return consumedAll() && a.counts().equals(truth);
    });

    Instance b = new Instance("b");
    produce(400, 30);
    await().atMost(TestKafka.WAIT).until(() -> {
      a.batch();
      b.batch();
      Map<String, Long> ca = a.counts();
      Map<String, Long> cb = b.counts();
      Set<String> both = new HashSet<>(ca.keySet());
      both.retainAll(cb.keySet());
      Map<String, Long> union = new TreeMap<>(ca);
      union.putAll(cb);
      return consumedAll() && !ca.isEmpty() && !cb.isEmpty() && both.isEmpty() && union.equals(truth);
    });
    assertTrue(b.counts().size() > 0);
    assertEquals(truth.size(), a.counts().size() + b.counts().size(), "every user in exactly one instance");
  }

  @Test
  void anInstanceThatStopsGracefullyHandsEveryGroupOverAndCountsStayExact() throws Exception {
    app = TestKafka.unique("grp");
    topic = kafka.createTopic("grp-in", 4);
    produce(300, 25);
    Instance a = new Instance("a");
    Instance b = new Instance("b");
    await().atMost(TestKafka.WAIT).until(() -> {
      a.batch();
      b.batch();
      Map<String, Long> union = new TreeMap<>(a.counts());
      union.putAll(b.counts());
      return consumedAll() && union.equals(truth) && !a.counts().isEmpty() && !b.counts().isEmpty();
    });
    a.ssc.stop(true); // leaves the group after its last batch: b need not wait for a session timeout
    instances.remove(a);
    produce(300, 25);
    await().atMost(TestKafka.WAIT).until(() -> {
      b.batch();
      return consumedAll() && b.counts().equals(truth);
    });
  }
}
