package io.uji.kafka;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.kafka.local.LocalKafkaBroker;
import io.uji.kafka.local.SharedLocalKafkaBroker;
import io.uji.streaming.Pair;
import io.uji.streaming.State;
import io.uji.streaming.StateSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page's key lookup across a group (real broker, two instances in this JVM, each with
 * its status page and no {@code applicationServer} of its own): each instance publishes its page's
 * address, and any instance's {@code /api/state/<operator>?key=} answers every key of the group —
 * the key's holder with its exact count, the other with a 307 whose {@code Location} is the
 * holder's page.
 */
@ExtendWith(SharedLocalKafkaBroker.class)
class KafkaGroupStateLookupTest {
  private static final long INTERVAL = 500;
  private static final int PARTITIONS = 4;
  private static TestKafka kafka;
  @TempDir Path tmp;
  private final List<Instance> instances = new ArrayList<>();
  private final Map<String, Long> truth = new TreeMap<>();
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
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

  private final class Instance extends SteppedInstance {
    final KafkaGroup<String, String> group;

    Instance(String id) {
      this(id, 0);
    }

    Instance(String id, int standbys) {
      super(tmp.resolve("state-" + id), INTERVAL, c -> c.withStatusPort(0));
      group = KafkaGroup.<String, String>builder(kafka.consumerProperties(null))
          .applicationId(app).topics(topic).instanceId(id).keySerializer(new StringSerializer())
          .numStandbyReplicas(standbys).build();
      group.keyedStream(ssc).mapValues(v -> 1L).reduceByKey(Long::sum)
          .mapWithState(StateSpec.function((String user, Optional<Long> n, State<Long> s) -> {
            s.update(s.getOption().orElse(0L) + n.orElse(0L));
            return Pair.of(user, s.get());
          })).name("counts")
          .foreachBatch(d -> d.count());
      instances.add(this);
      ssc.start();
    }

    URI page() {
      return ssc.statusUri().orElseThrow();
    }

    /** @return this page's address as the group publishes it */
    String published() {
      return page().getHost() + ":" + page().getPort();
    }
  }

  /** Sends n events of {@code users} users; the truth is what a read_committed reader sees. */
  private void produce(int n, int users) {
    try (KafkaProducer<String, String> p = kafka.producer(Map.of("linger.ms", 5))) {
      List<Future<RecordMetadata>> acks = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        acks.add(p.send(new ProducerRecord<>(topic, "u" + (i * 7 % users), "e")));
      }
      for (Future<RecordMetadata> a : acks) {
        a.get(60, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      throw new AssertionError("cannot produce to " + topic, e);
    }
    truth.clear();
    for (ConsumerRecord<String, String> r : kafka.readCommitted(topic)) {
      truth.merge(r.key(), 1L, Long::sum);
    }
  }

  private boolean consumedAll() {
    Map<TopicPartition, Long> ends = kafka.endOffsets(topic, PARTITIONS);
    return kafka.groupOffsets(app).equals(ends);
  }

  private HttpResponse<String> lookup(URI page, String key) throws Exception {
    return lookup(page, key, false);
  }

  private HttpResponse<String> lookup(URI page, String key, boolean standby) throws Exception {
    return http.send(HttpRequest.newBuilder(page.resolve("/api/state/counts?key=" + key
            + (standby ? "&standby=true" : ""))).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String found(String key, long count) {
    return "{\"operator\":\"counts\",\"key\":\"" + key + "\",\"found\":true,\"state\":" + count + "}";
  }

  /**
   * @return whether every key, asked of every instance's page, is answered by exactly one of them
   *     (with its exact count) and redirected by every other to that one's page; false while a
   *     group is still moving (a 503 to retry, or a redirect to a page that does not hold the key)
   */
  private boolean everyKeyIsAnsweredThroughAnyPage() throws Exception {
    for (Map.Entry<String, Long> e : truth.entrySet()) {
      Instance holder = null;
      List<String> redirects = new ArrayList<>();
      for (Instance asked : instances) {
        HttpResponse<String> r = lookup(asked.page(), e.getKey());
        if (r.statusCode() == 200) {
          if (holder != null || !r.body().equals(found(e.getKey(), e.getValue()))) {
            return false;
          }
          holder = asked;
        } else if (r.statusCode() == 307) {
          redirects.add(r.headers().firstValue("Location").orElseThrow());
        } else {
          return false;
        }
      }
      if (holder == null) {
        return false;
      }
      String expected = "http://" + holder.published() + "/api/state/counts?key=" + e.getKey();
      if (!redirects.stream().allMatch(expected::equals)) {
        return false;
      }
      HttpResponse<String> followed = lookup(URI.create(expected), e.getKey());
      assertEquals(found(e.getKey(), e.getValue()), followed.body(), "the redirect leads to the key's state");
    }
    return true;
  }

  private void runUntil(Callable<Boolean> condition) {
    await().atMost(TestKafka.WAIT).until(() -> {
      instances.forEach(Instance::batch);
      return condition.call();
    });
  }

  @Test
  void anyInstancesPageAnswersEveryKeyOfTheGroupRedirectingToItsHolder() throws Exception {
    app = TestKafka.unique("lookup");
    topic = kafka.createTopic("lookup-in", PARTITIONS);
    Instance a = new Instance("a");
    Instance b = new Instance("b");
    produce(400, 40);
    runUntil(() -> consumedAll() && b.group.hosts().size() == 2
        && b.group.hosts().stream().allMatch(h -> h.activeGroups().size() == 2) && everyKeyIsAnsweredThroughAnyPage());
    assertEquals(List.of(a.published(), b.published()).stream().sorted().toList(),
        a.group.hosts().stream().map(GroupHost::applicationServer).sorted().toList(),
        "each instance publishes its status page's address");
    long redirected = truth.keySet().stream().filter(k -> {
      try {
        return lookup(a.page(), k).statusCode() == 307;
      } catch (Exception ex) {
        throw new AssertionError(ex);
      }
    }).count();
    assertTrue(redirected > 0 && redirected < truth.size(), "a holds some keys and b the others: " + redirected);

    HttpResponse<String> unknown = lookup(a.page(), "nobody");
    if (unknown.statusCode() == 307) {
      unknown = lookup(URI.create(unknown.headers().firstValue("Location").orElseThrow()), "nobody");
    }
    assertEquals("{\"operator\":\"counts\",\"key\":\"nobody\",\"found\":false,\"state\":null}", unknown.body(),
        "a key without state is answered, by its holder, as not found");
  }

  /**
   * With one standby replica each instance keeps a copy of the other's key groups: asked with
   * {@code standby=true}, each page answers every key of the group itself, the keys it does not run
   * from its copies, once they caught up with the changelog; without it, a key held elsewhere is
   * still redirected to its holder.
   */
  @Test
  void withStandbysEachInstanceAnswersEveryKeyFromItsCopiesWhenAllowedAndRedirectsOtherwise() throws Exception {
    app = TestKafka.unique("lookup-sb");
    topic = kafka.createTopic("lookup-sb-in", PARTITIONS);
    Instance a = new Instance("a", 1);
    Instance b = new Instance("b", 1);
    produce(400, 40);
    runUntil(() -> consumedAll() && b.group.hosts().size() == 2
        && b.group.hosts().stream().allMatch(h -> h.activeGroups().size() == 2) && everyKeyIsAnsweredThroughAnyPage()
        && everyKeyIsAnsweredFromTheCopiesOf(a) && everyKeyIsAnsweredFromTheCopiesOf(b));
    for (Instance asked : List.of(a, b)) {
      var counts = asked.ssc.keyedState("counts", String.class, Long.class);
      long fromCopies = truth.keySet().stream().filter(k -> counts.locate(k).localStandby()).count();
      assertTrue(fromCopies > 0 && fromCopies < truth.size(),
          "instance keeps copies of some keys' groups, not of its own: " + fromCopies);
      for (Map.Entry<String, Long> e : truth.entrySet()) {
        if (counts.locate(e.getKey()).localStandby()) {
          assertEquals(Optional.of(e.getValue()), counts.get(e.getKey(), true), "copy of " + e.getKey());
          assertThrows(io.uji.streaming.StateNotLocalException.class, () -> counts.get(e.getKey()),
              "without allowStandby a key of a group that runs elsewhere is not answered here");
          assertEquals(307, lookup(asked.page(), e.getKey()).statusCode());
        }
      }
    }
  }

  /** @return whether every key asked of {@code asked}'s page with standby=true is answered there, exactly */
  private boolean everyKeyIsAnsweredFromTheCopiesOf(Instance asked) throws Exception {
    for (Map.Entry<String, Long> e : truth.entrySet()) {
      HttpResponse<String> r = lookup(asked.page(), e.getKey(), true);
      if (r.statusCode() != 200 || !r.body().equals(found(e.getKey(), e.getValue()))) {
        return false;
      }
    }
    return true;
  }
}
