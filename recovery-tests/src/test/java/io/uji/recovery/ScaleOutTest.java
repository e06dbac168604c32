package io.uji.recovery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.checkpoint.CrashPoints;
import io.uji.kafka.local.BrokerSettings;
import io.uji.kafka.local.LocalKafkaBrokerProcess;
import io.uji.kafka.local.SessionEvents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-out (issue 14, docs/design/scale-out.md §13): three instances of a counting program
 * ({@link GroupJobMain}, each in its own JVM) form one {@link io.uji.kafka.KafkaGroup} on a
 * 6-partition topic, with the broker in a JVM of its own. The test feeds the input in chunks of
 * session-count events and waits (Awaitility) for the group's committed offsets to reach the end
 * of each, so that every disruption falls in the middle of the run and after the instance it hits
 * has committed batches of its own; nothing depends on timing. Scenarios, each with
 * {@code -Duji.crash.cycles} cycles (default 5):
 *
 * <ul>
 *   <li>kill -9: one instance picked at random is SIGKILLed right after a chunk for its key groups
 *       was produced, and restarted with the same instance id (in the last cycle it is not, and
 *       the survivors take its key groups over once their failure detector fenced it); and the same with
 *       {@code numStandbyReplicas(1)}, where the survivors must take the last victim's groups over
 *       by promoting their standby copies;
 *   <li>a fourth instance joins (and takes key groups over, with their state) and leaves
 *       gracefully, in turn;
 *   <li>a rolling restart: each instance in turn stops gracefully and comes back;
 *   <li>scale 3 → 1 → 3: two instances stop gracefully, then come back (with their old state
 *       directories, or with new ones, in turn);
 *   <li>SIGSTOP one instance (30 s session and transaction timeouts) right after a chunk for its
 *       key groups was produced: a survivor's failure detector must fence it (remove it from the
 *       group, abort its open transaction) and the survivors must consume the chunk, its key groups
 *       included; SIGCONT: it must find itself removed, reset its key groups (nothing it computed
 *       commits) and rejoin;
 *   <li>the broker killed or stopped, in turn, and restarted while a fourth instance joins or
 *       leaves (a rebalance in progress);
 *   <li>an instance halted at named crash points of its batch commit and its restore, in turn.
 * </ul>
 *
 * <p>In the end, against the ground truth computed apart from the topic (from the event
 * generator): the output topic read with read_committed holds, per user, strictly increasing
 * counts (a batch written twice would repeat one) ending at the user's total, and the state
 * dumped by the live instances (a scan of their running key groups' state) holds every user
 * exactly once with its total.
 *
 * <p>1 000 users and 10 000–25 000 events in CI rather than the issue's 1 M users, so that the
 * scenarios fit: 15–35 s a scenario of 5 cycles, about a minute for the broker restarts (5–8 s
 * each) and the crash points, some five minutes for the class on a busy two-core machine. The
 * same test with the issue's 1 M users: {@code -Duji.scaleout.users=1000000
 * -Duji.scaleout.chunk=200000} (kill -9, 3 cycles: 1.4 M events, exact, 190 s on an otherwise idle
 * two-core machine; on one running three other builds the chunks were not consumed within the
 * 3-minute wait, backpressure having settled at its minimum rate while every batch's transaction
 * took longer than the 500 ms interval).
 *
 * <p>Run it in a reactor build ({@code -pl recovery-tests -am}): the child JVMs load the modules
 * from this JVM's class path, and a jar in the local Maven repository that another build
 * reinstalls under a running child makes it fail with a {@code NoClassDefFoundError}.
 */
class ScaleOutTest {
  private static final int PARTITIONS = 6;
  /** Users; the soak runs the issue's 1 M with {@code -Duji.scaleout.users=1000000}. */
  private static final long USERS = Long.getLong("uji.scaleout.users", 1_000);
  /** Events a chunk (fed between two disruptions); raise it with the users ({@code -Duji.scaleout.chunk}). */
  private static final int CHUNK = Integer.getInteger("uji.scaleout.chunk", 1_000);
  private static final int INSTANCES = 3;
  private static final Duration WAIT = Duration.ofMinutes(3);
  /**
   * Named crash points ({@code -Duji.crash.at}) on a group instance's way, in turn: with the batch's
   * output in its open transaction, before and after the local state commit; after the transaction
   * committed, before the batch is recorded as completed; in the middle of a key group's restore.
   */
  private static final List<String> GROUP_POINTS = List.of("batch.before-state-commit", "batch.after-state-commit",
      "batch.after-commit", "group.restore-chunk");

  private static LocalKafkaBrokerProcess broker;

  // Kept when a test fails: the instances' logs (logs/) are the evidence.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path tmp;
  /** Three instances and room for a fourth. */
  private final ChildJvm.Child[] children = new ChildJvm.Child[INSTANCES + 1];
  private final int[] runs = new int[INSTANCES + 1];
  private KafkaProducer<String, Long> producer;
  private Admin admin;
  private String app;
  private String input;
  private String output;
  private long produced;
  private int dumps;
  /** The instances' session and transaction timeouts (GroupJobMain's defaults unless a scenario shortens them). */
  private Duration session = Duration.ofSeconds(10);
  private Duration transaction = Duration.ofSeconds(10);
  /** The instances' numStandbyReplicas (0 unless a scenario sets it). */
  private int standbys;
  /** Whether each instance keeps a local checkpoint directory (stable across its restarts: restart in place). */
  private boolean checkpoints;

  @BeforeAll
  static void startBroker() {
    // A paused instance's open transaction is aborted once it times out, at the broker's next scan
    // for expired transactions (every 10 s by default): until then the new owners' stable offset
    // fetch waits. Scanning every second keeps the SIGSTOP scenario short.
    broker = LocalKafkaBrokerProcess.start(BrokerSettings.defaults()
        .withProperty("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000"));
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @AfterEach
  void stopAll() {
    for (ChildJvm.Child c : children) {
      if (c != null) {
        c.close();
      }
    }
    if (producer != null) {
      producer.close();
    }
    if (admin != null) {
      admin.close();
    }
  }

  @Test
  void threeInstancesOneKilledInEachCycleTheOutputAndTheStateAreExact() throws Exception {
    setUp("so-kill");
    killInEachCycle("kill -9");
  }

  /**
   * As the kill -9 scenario, each key group with a standby copy on another instance (design 8):
   * in the last cycle the survivors take the victim's groups over by promoting their copies, which
   * restore only the tail they had not read.
   */
  @Test
  void withOneStandbyEachOneKilledInEachCycleTheOutputAndTheStateAreExactAndTheSurvivorsPromoteTheirCopies()
      throws Exception {
    standbys = 1;
    setUp("so-kill-sb");
    Map<Integer, Long> before = killInEachCycle("kill -9, standbys 1");
    long promoted = 0;
    long full = 0;
    for (Map.Entry<Integer, Long> e : before.entrySet()) {
      List<String> restores = children[e.getKey()].stderr().lines().skip(e.getValue())
          .filter(l -> l.contains("Restored key group")).toList();
      promoted += restores.stream().filter(l -> l.contains("(local copy up to")).count();
      full += restores.stream().filter(l -> l.contains("(full: ")).count();
    }
    System.out.println("ScaleOutTest kill -9, standbys 1: after the last kill the survivors restored " + promoted
        + " changelog partitions from their copies and " + full + " in full");
    assertTrue(promoted > 0, "the survivors restored the victim's groups from their standby copies");
  }

  /**
   * As the kill -9 scenario, each instance with a local checkpoint directory it keeps across its
   * restarts (restart in place, design 7.1): a restarted instance restores its newest checkpoint
   * and reads from the changelogs only what was committed after it; the output and the state stay
   * exact (a copy continued wrongly would show as a wrong count).
   */
  @Test
  void withLocalCheckpointsEachKilledAndRestartedInPlaceTheOutputAndTheStateAreExactAndRestoresContinueTheCopies()
      throws Exception {
    checkpoints = true;
    setUp("so-kill-ckpt");
    killInEachCycle("kill -9, local checkpoints");
    long continued = 0;
    long full = 0;
    for (Path log : listLogs()) {
      List<String> restores = Files.readAllLines(log).stream().filter(l -> l.contains("Restored key group")).toList();
      continued += restores.stream().filter(l -> l.contains("(local copy up to")).count();
      full += restores.stream().filter(l -> l.contains("(full: ")).count();
    }
    System.out.println("ScaleOutTest kill -9, local checkpoints: " + continued + " changelog partitions restored"
        + " from a local copy, " + full + " in full");
    assertTrue(continued > 0, "restarted instances continued their checkpoints' copies");
  }

  private List<Path> listLogs() throws IOException {
    try (var files = Files.list(tmp.resolve("logs"))) {
      return files.filter(f -> f.getFileName().toString().endsWith(".err")).toList();
    }
  }

  /** @return per instance alive at the end, the lines of its stderr before the last kill */
  private Map<Integer, Long> killInEachCycle(String what) throws Exception {
    Map<Integer, Long> before = new java.util.TreeMap<>();
    int cycles = Cycles.random(5);
    Random rnd = new Random(14);
    long started = System.nanoTime();
    for (int c = 0; c < cycles; c++) {
      int victim = rnd.nextInt(INSTANCES);
      boolean restart = c < cycles - 1;
      feedUntilItRan(victim, 2);
      produceChunk(); // its key groups have more to do
      if (!restart) {
        for (int i = 0; i < INSTANCES; i++) {
          if (i != victim) {
            before.put(i, children[i].stderr().lines().count());
          }
        }
      }
      children[victim].kill();
      if (restart) {
        start(victim);
      } else {
        children[victim] = null;
      }
      feed(); // consumed only once the victim's key groups run again, here or on a survivor
    }
    verify(what, cycles, started);
    return before;
  }

  @Test
  void aFourthInstanceJoiningAndLeavingInTurnKeepsTheOutputAndTheStateExact() throws Exception {
    setUp("so-fourth");
    int cycles = Cycles.random(5);
    long started = System.nanoTime();
    for (int c = 0; c < cycles; c++) {
      if (children[INSTANCES] == null) {
        produceChunk();
        start(INSTANCES);
        feedUntilItRan(INSTANCES, 2); // it took key groups over, with their state
      } else {
        produceChunk();
        stop(INSTANCES);
        feed();
      }
    }
    verify("a fourth instance joining and leaving", cycles, started);
  }

  @Test
  void aRollingRestartOfAllInstancesKeepsTheOutputAndTheStateExact() throws Exception {
    setUp("so-rolling");
    int cycles = Math.max(Cycles.random(5), INSTANCES);
    long started = System.nanoTime();
    for (int c = 0; c < cycles; c++) {
      int i = c % INSTANCES;
      feedUntilItRan(i, 1);
      produceChunk();
      stop(i);
      start(i);
      feedUntilItRan(i, 1); // back with key groups of its own
    }
    verify("rolling restart (" + cycles + " restarts)", cycles, started);
  }

  @Test
  void scalingThreeToOneToThreeKeepsTheOutputAndTheStateExact() throws Exception {
    setUp("so-scale");
    int cycles = Cycles.random(5);
    long started = System.nanoTime();
    for (int c = 0; c < cycles; c++) {
      produceChunk();
      if (children[1] != null) {
        stop(1);
        stop(2);
        feed(); // instance 0 runs every key group
      } else {
        boolean fresh = c % 4 == 3; // the returning instances with their old directories, then with new ones
        start(1, fresh);
        start(2, fresh);
        feedUntilItRan(1, 1);
        feedUntilItRan(2, 1);
      }
    }
    verify("scale 3 → 1 → 3", cycles, started);
  }

  @Test
  void aPausedInstanceIsFencedByTheFailureDetectorAndTheOutputAndTheStateStayExact() throws Exception {
    // Kafka's timeouts far out of the way: the survivors' failure detector (1.5 s of silence)
    // removes the paused instance from the group and fences its transactions. Without the fence,
    // an open transaction of the paused instance would hold the survivors' stable offset fetch
    // for its 30 s timeout.
    session = Duration.ofSeconds(30);
    transaction = Duration.ofSeconds(30);
    setUp("so-pause");
    int cycles = Cycles.random(5);
    Random rnd = new Random(5);
    long started = System.nanoTime();
    for (int c = 0; c < cycles; c++) {
      int victim = rnd.nextInt(INSTANCES);
      ChildJvm.Child paused = children[victim];
      feedUntilItRan(victim, recordBatches(paused) + 1);
      long resetsBefore = resets(paused);
      long fencesBefore = fences(victim);
      produceChunk(); // its key groups have more to do: the pause may catch a batch in its transaction
      long pausedAt = System.currentTimeMillis();
      paused.pause();
      // A survivor's detector fences it; the survivors take its key groups over (with their state)
      // and consume the chunk; the paused instance commits nothing.
      await().atMost(WAIT).until(() -> fences(victim) > fencesBefore);
      long fencedAt = System.currentTimeMillis();
      await().atMost(WAIT).until(() -> !memberIds().contains("i" + victim));
      await().atMost(WAIT).until(this::consumedAll);
      long consumedAt = System.currentTimeMillis();
      feed();
      long abortedBefore = aborted(paused);
      paused.resume();
      // It wakes up as a member the group no longer knows, with a fenced producer: whatever it
      // computed before the pause and after cannot commit (the generation fence, its fenced epoch);
      // it puts its key groups back (resetAll) and joins again.
      await().atMost(WAIT).until(() -> resets(paused) > resetsBefore);
      System.out.println("ScaleOutTest, SIGSTOP cycle " + c + ": instance " + victim + " paused at t=" + pausedAt
          + ", fence seen after " + (fencedAt - pausedAt) + " ms, its input consumed by the survivors after "
          + (consumedAt - pausedAt) + " ms; reset " + (resets(paused) - resetsBefore)
          + " time(s); batches aborted after it woke: "
          + paused.lines().stream().filter(l -> l.startsWith("ABORTED ")).skip(abortedBefore)
              .map(l -> l.length() > 240 ? l.substring(0, 240) + "..." : l).toList());
      feedUntilItRan(victim, recordBatches(paused) + 1); // back with key groups of its own
    }
    verify("SIGSTOP, fenced by the failure detector, then SIGCONT", cycles, started);
  }

  /** @return how many times the live instances' failure detectors fenced instance {@code i} */
  private long fences(int i) {
    long n = 0;
    for (int j = 0; j < children.length; j++) {
      if (j != i && children[j] != null) {
        n += children[j].stderr().lines().filter(l -> l.contains("Instance i" + i + " sent no liveness beacon")).count();
      }
    }
    return n;
  }

  /** @return the group's members' instance ids */
  private List<String> memberIds() throws Exception {
    return admin.describeConsumerGroups(List.of(app)).all().get(60, TimeUnit.SECONDS).get(app).members().stream()
        .map(m -> m.groupInstanceId().orElse("?")).toList();
  }

  @Test
  void aBrokerRestartDuringARebalanceKeepsTheOutputAndTheStateExact() throws Exception {
    setUp("so-broker");
    int cycles = Cycles.random(5);
    long started = System.nanoTime();
    for (int c = 0; c < cycles; c++) {
      boolean crash = c % 2 == 0; // SIGKILL the broker, or stop it cleanly, in turn
      produceChunk();
      if (children[INSTANCES] == null) {
        start(INSTANCES);
        // The newcomer is in the group: the group rebalances (cooperatively, in two rounds), and
        // the newcomer restores the key groups it gets.
        await().atMost(WAIT).until(() -> members() == INSTANCES + 1);
        restartBroker(crash, "a fourth instance joining");
        feedUntilItRan(INSTANCES, 1); // it took key groups over, with their state
      } else {
        ChildJvm.Child leaving = children[INSTANCES];
        command(leaving, "stop"); // its last batch, then it leaves: the others take its key groups over
        restartBroker(crash, "a fourth instance leaving");
        assertEquals(0, leaving.awaitExit(WAIT), leaving.report());
        children[INSTANCES] = null;
      }
      feed();
    }
    verify("broker restarts during rebalances", cycles, started);
  }

  @Test
  void haltsAtNamedPointsOfTheBatchCommitAndTheRestoreKeepTheOutputAndTheStateExact() throws Exception {
    setUp("so-points");
    int cycles = Math.max(Cycles.random(5), GROUP_POINTS.size());
    Random rnd = new Random(7);
    long started = System.nanoTime();
    for (int c = 0; c < cycles; c++) {
      String point = GROUP_POINTS.get(c % GROUP_POINTS.size());
      int victim = rnd.nextInt(INSTANCES);
      feedUntilItRan(victim, recordBatches(children[victim]) + 1);
      produceChunk(); // its key groups have more to do
      children[victim].kill();
      // Restarted under the same id, it takes its key groups back and restores them from their
      // changelogs (every group restores at start): the first or second chunk it applies is in the
      // middle of a restore. The batch points are armed a few batches in, once its groups run.
      boolean restore = point.equals("group.restore-chunk");
      int after = restore ? 1 + rnd.nextInt(2) : 3 + rnd.nextInt(4);
      ChildJvm.Child armed = launch(victim, false, Map.of("uji.crash.at", point, "uji.crash.after", after));
      children[victim] = armed;
      for (int fed = 0; armed.process.isAlive(); fed++) {
        assertTrue(fed < 40, "instance " + victim + " did not reach " + point + " #" + after + " in 40 chunks\n"
            + armed.report());
        produceChunk();
        await().atMost(WAIT).until(() -> !armed.process.isAlive() || consumedAll());
      }
      assertEquals(CrashPoints.EXIT_CODE, armed.awaitExit(WAIT), "halted at " + point + "\n" + armed.report());
      System.out.println("ScaleOutTest: instance " + victim + " halted at " + point + " #" + after + " after "
          + recordBatches(armed) + " committed batch(es) with records");
      start(victim);
      feed();
    }
    verify("halts at " + GROUP_POINTS, cycles, started);
  }

    private void restartBroker(boolean crash, String during) throws Exception {
    String state = groupState();
    long t0 = System.nanoTime();
    if (crash) {
      broker.kill();
    }
    broker.restart();
    System.out.println("ScaleOutTest: broker " + (crash ? "killed" : "stopped") + " and restarted in "
        + (System.nanoTime() - t0) / 1_000_000 + " ms during " + during + " (group " + state + ")");
  }

    /** Topics and three instances, each holding key groups. */
  private void setUp(String name) throws Exception {
    System.out.println("ScaleOutTest " + name + ": the instances' logs in " + tmp.resolve("logs")
        + " (kept if the test fails)");
    setUpTopics(name);
    for (int i = 0; i < INSTANCES; i++) {
      start(i);
    }
    await().atMost(WAIT).until(() -> membersWithPartitions() == INSTANCES);
  }

  /** Feeds the input until instance {@code i}'s current run has committed {@code n} batches with records. */
  private void feedUntilItRan(int i, long n) {
    ChildJvm.Child child = children[i];
    for (int fed = 0; recordBatches(child) < n; fed++) {
      assertTrue(fed < 40, "instance " + i + " got no records in 40 chunks\n" + child.report());
      feed();
    }
  }

  /** Stops instance {@code i} gracefully: it leaves the group after its last batch. */
  private void stop(int i) {
    ChildJvm.Child c = children[i];
    command(c, "stop");
    assertEquals(0, c.awaitExit(WAIT), c.report());
    children[i] = null;
  }

  private static void command(ChildJvm.Child c, String line) {
    try {
      c.process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
      c.process.getOutputStream().flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long recordBatches(ChildJvm.Child child) {
    return child.lines().stream().filter(l -> l.startsWith("BATCH ") && !l.contains(" records=0 ")).count();
  }

  /** @return the batches of {@code child} that did not commit */
  private static long aborted(ChildJvm.Child child) {
    return child.lines().stream().filter(l -> l.startsWith("ABORTED ")).count();
  }

  /** @return how many times {@code child} put its running key groups back (GroupRuntime.resetAll's warning) */
  private static long resets(ChildJvm.Child child) {
    return child.stderr().lines().filter(l -> l.contains("put back to what the group committed")).count();
  }

  private void setUpTopics(String name) throws Exception {
    app = name + "-app";
    input = name + "-in";
    output = name + "-out";
    admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
    admin.createTopics(List.of(new NewTopic(input, PARTITIONS, (short) 1), new NewTopic(output, 2, (short) 1)))
        .all().get(60, TimeUnit.SECONDS);
    // Every input partition answers on its leader before the first send (a producer racing a
    // fresh partition's leadership can retry out of order for good on a busy machine).
    await().atMost(WAIT).ignoreExceptions().until(() -> inputEnds().size() == PARTITIONS);
    producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers(), "linger.ms", 5),
        new StringSerializer(), new LongSerializer());
  }

  private void start(int i) {
    start(i, false);
  }

  /** Starts instance {@code i} on its state directory, or on a new one if {@code fresh}. */
  private void start(int i, boolean fresh) {
    ChildJvm.Child old = children[i];
    if (old != null) {
      old.close();
    }
    ChildJvm.Child c = launch(i, fresh, Map.of());
    children[i] = c;
    c.awaitLine("STARTED"::equals, WAIT);
  }

  /** Starts the JVM of instance {@code i} with more system properties, and returns at once. */
  private ChildJvm.Child launch(int i, boolean fresh, Map<String, Object> props) {
    ChildJvm jvm = ChildJvm.of(GroupJobMain.class)
        .args("bootstrap=" + broker.bootstrapServers(), "app=" + app, "input=" + input, "output=" + output,
            "instance=i" + i, "state=" + tmp.resolve("state-i" + i + (fresh ? "-run" + runs[i] : "")),
            "session=" + session.toMillis(), "transaction=" + transaction.toMillis(),
            "standbys=" + standbys)
        .args(checkpoints ? new String[] {"checkpoint=" + tmp.resolve("checkpoint-i" + i)} : new String[0])
        .prop("org.slf4j.simpleLogger.defaultLogLevel", "warn")
        .prop("org.slf4j.simpleLogger.log.io.uji", "info");
    props.forEach(jvm::prop);
    return jvm.start(tmp.resolve("logs"), "i" + i + "-run" + runs[i]++);
  }

  /** Produces the next chunk of events (their indexes follow on) and waits for the group to consume all. */
  private void feed() {
    produceChunk();
    await().atMost(WAIT).until(this::consumedAll);
  }

  private void produceChunk() {
    List<Future<?>> acks = new ArrayList<>();
    for (int n = 0; n < CHUNK; n++, produced++) {
      acks.add(producer.send(new ProducerRecord<>(input, SessionEvents.key(produced, USERS), produced)));
    }
    for (Future<?> a : acks) {
      try {
        a.get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new AssertionError("cannot produce to " + input, e);
      }
    }
  }

  /** @return the end offset of every input partition (each answered by its leader) */
  private Map<TopicPartition, Long> inputEnds() throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (int p = 0; p < PARTITIONS; p++) {
      latest.put(new TopicPartition(input, p), OffsetSpec.latest());
    }
    Map<TopicPartition, Long> ends = new HashMap<>();
    admin.listOffsets(latest).all().get(60, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp, info.offset()));
    return ends;
  }

  private boolean consumedAll() throws Exception {
    Map<TopicPartition, Long> ends = inputEnds();
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(app).partitionsToOffsetAndMetadata().get(60, TimeUnit.SECONDS);
    Map<TopicPartition, Long> at = new HashMap<>();
    committed.forEach((tp, o) -> {
      if (o != null) {
        at.put(tp, o.offset());
      }
    });
    return at.equals(ends);
  }

  /** @return how many members the group has */
  private long members() throws Exception {
    return admin.describeConsumerGroups(List.of(app)).all().get(60, TimeUnit.SECONDS).get(app).members().size();
  }

  /** @return the group's state as the coordinator describes it (Stable, PreparingRebalance, ...) */
  private String groupState() throws Exception {
    return String.valueOf(admin.describeConsumerGroups(List.of(app)).all().get(60, TimeUnit.SECONDS).get(app)
        .groupState());
  }

  /** @return how many members of the group hold input partitions */
  private long membersWithPartitions() throws Exception {
    ConsumerGroupDescription g = admin.describeConsumerGroups(List.of(app)).all().get(60, TimeUnit.SECONDS).get(app);
    return g.members().stream().filter(m -> !m.assignment().topicPartitions().isEmpty()).count();
  }

  private void verify(String what, int cycles, long startedNanos) {
    Map<String, Long> truth = KafkaVerify.countsPerUser(produced, USERS);
    await().atMost(WAIT).until(this::consumedAll);
    // The last transactions' markers may still be on their way to the output topic.
    int[] updates = new int[1];
    await().atMost(WAIT).untilAsserted(
        () -> updates[0] = KafkaVerify.outputTopic(broker.bootstrapServers(), output, truth));
    // The dumps are taken one after the other: a rebalance between two (a member falsely suspected
    // on a starved machine) could show a group twice or nowhere for a moment, so the check is
    // retried with new dumps; a key kept by two instances or a wrong count for good still fails.
    await().atMost(WAIT).untilAsserted(
        () -> assertEquals(truth, dumpedState(), "per-user counts in the state of the live instances"));
    System.out.println("ScaleOutTest, " + what + ": " + cycles + " cycles in "
        + (System.nanoTime() - startedNanos) / 1_000_000_000 + " s, " + produced + " events over " + USERS
        + " users, " + updates[0] + " updates in the output topic, exact; instances fenced by a failure"
        + " detector: " + fencesLogged());
  }

  /** @return the failure detectors' fences in every instance's log of this test (real failures and false suspicions) */
  private long fencesLogged() {
    try (var files = java.nio.file.Files.list(tmp.resolve("logs"))) {
      return files.mapToLong(f -> {
        try (var lines = java.nio.file.Files.lines(f)) {
          return lines.filter(l -> l.contains("sent no liveness beacon")).count();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
          return 0;
        }
      }).sum();
    } catch (java.io.IOException e) {
      return -1;
    }
  }

  /** @return the union of the live instances' dumps; fails if a user is in two */
  private Map<String, Long> dumpedState() {
    Map<String, Long> union = new TreeMap<>();
    for (int i = 0; i < children.length; i++) {
      if (children[i] == null) {
        continue;
      }
      for (Map.Entry<String, Long> e : dump(i).entrySet()) {
        Long before = union.put(e.getKey(), e.getValue());
        assertEquals(null, before, "user " + e.getKey() + " in two instances' state");
      }
    }
    return union;
  }

  /** @return the state of the key groups instance {@code i} runs, written by it at a batch */
  private Map<String, Long> dump(int i) {
    ChildJvm.Child c = children[i];
    Path file = tmp.resolve("dump-i" + i + "-" + runs[i] + "-" + dumps++ + ".txt");
    command(c, "dump " + file);
    try {
      // Within the verification's own wait, so that a stuck instance fails with its output and threads.
      c.awaitLine(("DUMPED " + file)::equals, Duration.ofSeconds(90));
    } catch (AssertionError e) {
      throw new AssertionError("instance " + i + " wrote no dump: no batch completes there\n" + c.threadDump(), e);
    }
    assertTrue(Files.exists(file));
    return GroupJobMain.readDump(file);
  }
}
