package io.uji.recovery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.kafka.local.BrokerSettings;
import io.uji.kafka.local.EventLoader;
import io.uji.kafka.local.LoadSpec;
import io.uji.kafka.local.LocalKafkaBrokerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka in, keyed state, Kafka out through the transactional sink, with the job in a child JVM
 * halted or killed again and again, and the broker in a child JVM of its own (one for the class),
 * killed and restarted once. In the end the job's state and the output topic read with
 * read_committed are compared with the ground truth computed here: every user's count exact, its
 * updates in the topic strictly increasing (nothing written twice) and the last equal to its total.
 */
class KafkaCrashTest {
  private static final long EVENTS = 40_000;
  private static final long USERS = 2_000;
  private static final AtomicInteger NAMES = new AtomicInteger();
  /** Fewer events where nothing is killed but the broker: the run only has to outlast its restart. */
  private static final long BROKER_RESTART_EVENTS = 16_000;

  private static LocalKafkaBrokerProcess broker;

  @BeforeAll
  static void startBroker() {
    broker = LocalKafkaBrokerProcess.start(BrokerSettings.defaults());
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  /** A job's scenario, its output topic and the ground truth of its input. */
  private record Job(Scenario scenario, String output, long events, Map<String, Long> truth) {}

  /** A job on fresh topics: the input loaded with {@code events} events, an empty output. */
  private static Job job(Path tmp, String workload, long events) {
    String name = "crash-" + NAMES.incrementAndGet();
    EventLoader.load(broker.bootstrapServers(), new LoadSpec(name + "-in", events, USERS, 2));
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(name + "-out", 2, (short) 1))).all().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("cannot create " + name + "-out", e);
    }
    // 600 events a batch of 200 ms: some 67 batches, so that 20 crashes happen well before the end.
    Scenario s = new Scenario(tmp, KafkaJobMain.class, "workload=" + workload, "bootstrap=" + broker.bootstrapServers(),
        "input=" + name + "-in", "output=" + name + "-out", "txid=" + name, "group=" + name, "events=" + events,
        "batchMs=200", "maxRate=1500", "checkpointBatches=3")
        .property("org.slf4j.simpleLogger.defaultLogLevel", "warn")
        .property("org.slf4j.simpleLogger.log.io.uji", "info");
    return new Job(s, name + "-out", events, KafkaVerify.countsPerUser(events, USERS));
  }

  private static void verify(Job job, ChildJvm.Child last, String what) {
    Scenario s = job.scenario();
    assertTrue(last.lines().contains("TOTAL events=" + job.events() + " users=" + job.truth().size()), last.stdout());
    KafkaVerify.finalState(s.out, job.truth());
    int updates = KafkaVerify.outputTopic(broker.bootstrapServers(), job.output(), job.truth());
    System.out.println(what + ": " + s.runs() + " runs, " + updates + " updates in the output topic, exact");
  }

  @Test
  void killedAtRandomMomentsTheStateAndTheOutputTopicAreExact(@TempDir Path tmp) {
    Job job = job(tmp, "sessions", EVENTS);
    Scenario s = job.scenario();
    s.runTest(() -> {
      int cycles = Cycles.random(20);
      int kills = RandomKillTest.killRepeatedly(s, cycles, 2024);
      assertTrue(kills >= cycles, "only " + kills + " kills before the job finished");
      verify(job, s.runToCompletion(), "random SIGKILLs: " + kills);
    });
  }

  /**
   * Halts at the named points in turn: after a batch's ranges are in the lineage (the batch is
   * replayed with them), after the output transaction committed and before the batch is recorded
   * as done (the replay must not write it again), and while a checkpoint is written.
   */
  @Test
  void haltedAtNamedPointsInTurnTheStateAndTheOutputTopicAreExact(@TempDir Path tmp) {
    List<String> points = List.of("lineage.after-append", "job.after-kafka-commit", "checkpoint.before-rename",
        "batch.after-state-commit");
    Job job = job(tmp, "update", EVENTS);
    Scenario s = job.scenario();
    Random rnd = new Random(13);
    s.runTest(() -> {
      int cycles = Math.max(Cycles.random(20), 20);
      int halts = 0;
      for (int c = 0; c < cycles; c++) {
        halts += CrashMatrixTest.crashRepeatedly(s, points.get(c % points.size()), 1, 3, rnd);
      }
      assertTrue(halts >= 20, "only " + halts + " halts");
      verify(job, s.runToCompletion(), "halts at named points: " + halts);
    });
  }

  /** The broker is SIGKILLed mid-run and restarted; the job keeps running and ends exact. */
  @Test
  void aBrokerKilledAndRestartedMidRunLosesNothingAndWritesNothingTwice(@TempDir Path tmp) {
    Job job = job(tmp, "update", BROKER_RESTART_EVENTS);
    Scenario s = job.scenario();
    s.runTest(() -> {
      ChildJvm.Child run = s.start();
      run.awaitLine(l -> l.startsWith("BATCH") && !l.contains("records=0 "), Scenario.RUN_TIMEOUT);
      broker.kill();
      try {
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(run.process::isAlive);
      } finally {
        broker.restart();
      }
      assertEquals(0, run.awaitExit(Scenario.RUN_TIMEOUT), "the job finished in the run that saw the broker go");
      verify(job, run, "broker killed and restarted");
    });
  }
}
