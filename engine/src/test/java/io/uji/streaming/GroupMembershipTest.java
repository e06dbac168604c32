package io.uji.streaming;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.engine.cluster.ClusterAccess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A context in a group through the cluster SPI, against an in-memory stand-in for Kafka
 * ({@link FakeGroup}): batches take input only for activated key groups and commit their ranges
 * and state changes through the member; a key group moves between two contexts (revoked after its
 * batches committed, restored from its changelog, run from the committed positions) and an aborted
 * commit puts the state back; the counts stay exact throughout.
 */
class GroupMembershipTest {
  private static final long INTERVAL = 1000;
  private static final int GROUPS = 4;
  private static final String APP = "counting";

  @TempDir Path tmp;
  private final MemoryKeyedSource source = new MemoryKeyedSource("events", GROUPS);
  private final FakeGroup kafka = new FakeGroup();
  private final Map<String, Long> truth = new TreeMap<>();
  private final List<Instance> instances = new ArrayList<>();
  private final List<StreamingContext> instancesToStop = new ArrayList<>();
  private int nextUser;

  /** One context in the group, on its own manual clock. */
  private final class Instance {
    final ManualClock clock;
    /** Per batch time, the mapped output of "counts": (user, count), count -1 when its key timed out. */
    final Map<Long, List<Pair<String, Long>>> mapped = new ConcurrentHashMap<>();
    final StreamingContext ssc;
    final FakeGroup.Member member = kafka.new Member("events");
    final Map<Long, BatchInfo> completed = new ConcurrentHashMap<>();
    /** Per batch time, what stateSnapshots() of "counts" showed. */
    final Map<Long, Map<String, Long>> snapshots = new ConcurrentHashMap<>();
    final PairDStream<String, Long> events;
    long last;

    Instance() {
      this(tmp.resolve("state-" + instances.size()));
    }

    Instance(Path stateDir) {
      this(stateDir, 0, null);
    }

    /** @param timeout the idle timeout of "counts", or null for none */
    Instance(Path stateDir, long clockStart, Duration timeout) {
      clock = new ManualClock(clockStart);
      last = clockStart;
      ssc = new StreamingContext(StreamingConfig.defaults().withClock(clock).withWorkerThreads(2)
          .withStateDir(stateDir), Durations.milliseconds(INTERVAL));
      ssc.addStreamingListener(new StreamingListener() {
        @Override
        public void onBatchCompleted(BatchInfo b) {
          completed.put(b.batchTime().milliseconds(), b);
        }
      });
      events = ClusterAccess.keyedStream(ssc, source);
      StateSpec<String, Long, Long, Pair<String, Long>> spec =
          StateSpec.function((String user, Optional<Long> n, State<Long> s) -> {
            if (s.isTimingOut()) {
              return Pair.of(user, -1L);
            }
            s.update(s.getOption().orElse(0L) + n.orElse(0L));
            return Pair.of(user, s.get());
          });
      MapWithStateDStream<String, Long, Long, Pair<String, Long>> counts = events.mapValues(v -> 1L)
          .reduceByKey(Long::sum).mapWithState(timeout == null ? spec : spec.timeout(timeout)).name("counts");
      counts.foreachBatch((d, t) -> mapped.put(t.milliseconds(), d.collect()));
      counts.stateSnapshots().foreachBatch((d, t) -> {
        Map<String, Long> shown = new TreeMap<>();
        d.collect().forEach(kv -> shown.put(kv.key(), kv.value()));
        snapshots.put(t.milliseconds(), shown);
      });
      ClusterAccess.joinGroup(ssc, member, APP);
      instances.add(this);
    }

    Instance start(int... groups) {
      ssc.start();
      member.assign(groups);
      return this;
    }

    /** Runs the next batch; @return how it completed */
    BatchInfo batch() {
      long t = last + INTERVAL;
      clock.setTime(t);
      await().atMost(java.time.Duration.ofSeconds(60)).until(() -> completed.containsKey(t));
      last = t;
      return completed.get(t);
    }

    /** @return what a scan of the state shows (its running key groups only, not its dormant copies) */
    Map<String, Long> scanned() {
      Map<String, Long> out = new TreeMap<>();
      try (var all = ssc.keyedState("counts", String.class, Long.class).scan()) {
        all.forEach(kv -> out.put(kv.key(), kv.value()));
      }
      return out;
    }

    /** @return the count of every user this instance answers for (its running key groups) */
    Map<String, Long> counts() {
      KeyedState<String, Long> state = ssc.keyedState("counts", String.class, Long.class);
      Map<String, Long> out = new TreeMap<>();
      for (String user : knownUsers()) {
        state.get(user).ifPresent(n -> out.put(user, n));
      }
      return out;
    }
  }

  @AfterEach
  void stop() {
    instances.forEach(i -> i.ssc.stop(false));
    instancesToStop.forEach(c -> c.stop(false));
  }

  /** Appends events of users of every group: user "g<g>-u<n>" lives in group g, as a producer keys them. */
  private void produce(int perGroup) {
    for (int g = 0; g < GROUPS; g++) {
      for (int i = 0; i < perGroup; i++) {
        String user = "g" + g + "-u" + ((nextUser + i) % 5);
        source.append(g, user, 1);
        truth.merge(user, 1L, Long::sum);
      }
    }
    nextUser += perGroup;
  }

  private java.util.Set<String> knownUsers() {
    java.util.Set<String> all = new java.util.TreeSet<>(truth.keySet());
    all.add("idle");
    all.add("busy");
    return all;
  }

  private Map<String, Long> truthOf(int... groups) {
    Map<String, Long> out = new TreeMap<>();
    truth.forEach((user, n) -> {
      for (int g : groups) {
        if (user.startsWith("g" + g + "-")) {
          out.put(user, n);
        }
      }
    });
    return out;
  }

  private long end(int group) {
    return source.log.getOrDefault(MemoryKeyedSource.id("events", group), List.of()).size();
  }

  @Test
  void oneMemberRunsTheGroupsItActivatesAndCommitsTheirRangesAndChanges() {
    Instance a = new Instance().start(0, 1, 2);
    produce(7);
    a.batch();
    produce(3);
    a.batch();
    assertEquals(truthOf(0, 1, 2), a.counts());
    for (int g = 0; g < 3; g++) {
      assertEquals(end(g), kafka.committed(MemoryKeyedSource.id("events", g)));
      assertFalse(kafka.changelog("counts", g).isEmpty());
    }
    assertEquals(0, kafka.committed("events-3")); // never activated: never read
    assertTrue(kafka.changelog("counts", 3).isEmpty());
    // Each changelog record is a state key of its own group (u16 group first).
    kafka.changelog("counts", 2).forEach(c -> assertEquals(2, ((c.key()[0] & 0xff) << 8) | (c.key()[1] & 0xff)));
  }

  @Test
  void aKeyGroupMovesToAnotherContextWithItsStateAndNothingIsCountedTwice() {
    Instance a = new Instance().start(0, 1, 2, 3);
    produce(6);
    a.batch();
    produce(4);
    a.batch();
    a.member.revoke(2, 3);
    Instance b = new Instance().start(2, 3);
    assertEquals(truthOf(2, 3), b.counts()); // restored from the changelog
    assertEquals(truthOf(0, 1), a.counts()); // a answers for what it runs only
    assertEquals(truthOf(0, 1), a.scanned()); // its dormant copies of 2 and 3 do not show
    produce(5);
    a.batch();
    b.batch();
    // stateSnapshots() too shows the running groups only: no key in both instances' snapshots.
    assertEquals(truthOf(0, 1), a.snapshots.get(a.last));
    assertEquals(truthOf(2, 3), b.snapshots.get(b.last));
    assertEquals(truthOf(0, 1), a.counts());
    assertEquals(truthOf(2, 3), b.counts());
    // And back: b gives group 3 to a.
    b.member.revoke(3);
    a.member.assign(3);
    produce(2);
    a.batch();
    b.batch();
    assertEquals(truthOf(0, 1, 3), a.counts());
    assertEquals(truthOf(2), b.counts());
    for (int g = 0; g < GROUPS; g++) {
      assertEquals(end(g), kafka.committed(MemoryKeyedSource.id("events", g)));
    }
  }

  /**
   * A stand-in for the Kafka member's locator: user "g<g>-..." is in group g, as a producer keys
   * them; groups 0 and 1 run on "a:1", 2 and 3 on "b:2".
   */
  private static io.uji.engine.cluster.KeyLocator locatorOf(String here) {
    return key -> {
      int g = Character.digit(((String) key).charAt(1), 10);
      String owner = g < 2 ? "a:1" : "b:2";
      return new KeyLocation(g, owner.equals(here), false, Optional.of(owner), List.of());
    };
  }

  @Test
  void withAKeyLocatorAKeyOfAGroupThatDoesNotRunHereIsRefusedWithWhereItRuns() {
    Instance a = new Instance();
    a.member.locator = locatorOf("a:1");
    a.start(0, 1);
    Instance b = new Instance();
    b.member.locator = locatorOf("b:2");
    b.start(2, 3);
    produce(6);
    a.batch();
    b.batch();
    KeyedState<String, Long> onA = a.ssc.keyedState("counts", String.class, Long.class);
    KeyedState<String, Long> onB = b.ssc.keyedState("counts", String.class, Long.class);
    truthOf(0, 1).forEach((user, n) -> {
      assertEquals(Optional.of(n), onA.get(user));
      assertEquals(Optional.of(n), onA.get(user, true));
      StateNotLocalException e = assertThrows(StateNotLocalException.class, () -> onB.get(user));
      assertEquals(new KeyLocation(user.charAt(1) - '0', false, false, Optional.of("a:1"), List.of()), e.location());
      assertEquals(e.location(), onB.locate(user));
      assertTrue(e.getMessage().contains("runs on a:1"), e.getMessage());
    });
    truthOf(2, 3).forEach((user, n) -> {
      assertEquals(Optional.of(n), onB.get(user));
      assertEquals(Optional.of("b:2"), assertThrows(StateNotLocalException.class, () -> onA.get(user))
          .location().activeHost());
    });
    assertEquals(Optional.empty(), onA.get("g0-nobody"), "a key of a running group that has no state");
    // a group assigned here but not activated yet (restoring) is refused too, saying so
    b.member.revoke(3);
    StateNotLocalException restoring = assertThrows(StateNotLocalException.class, () -> onB.get("g3-u0"));
    assertTrue(restoring.getMessage().contains("being restored here"), restoring.getMessage());
  }

  @Test
  void anAbortedCommitPutsTheStateBackAndTheRestoredGroupsCountEverythingOnce() {
    Instance a = new Instance().start(0, 1, 2, 3);
    produce(5);
    a.batch();
    produce(5);
    a.member.abortNext.set(true);
    BatchInfo aborted = a.batch();
    assertTrue(aborted.failureReason().orElse("").contains("test: transaction aborted"), aborted.toString());
    assertEquals(Map.of(), a.counts()); // reset: nothing runs here until restored
    produce(3);
    a.batch(); // takes nothing: no group runs
    a.member.assign(0, 1, 2, 3);
    a.batch();
    assertEquals(truth, a.counts());
    for (int g = 0; g < GROUPS; g++) {
      assertEquals(end(g), kafka.committed(MemoryKeyedSource.id("events", g)));
    }
  }

  @Test
  void anAbortTheMemberDoesNotResetItselfIsResetByTheEngine() {
    Instance a = new Instance().start(0, 1, 2, 3);
    produce(3);
    a.batch();
    produce(4);
    a.member.abortNextSilently.set(true);
    assertTrue(a.batch().failureReason().orElse("").contains("test: fenced"));
    assertEquals(Map.of(), a.counts());
    a.member.assign(0, 1, 2, 3);
    a.batch();
    assertEquals(truth, a.counts());
  }

  @Test
  void stateLeftInTheDirectoryByAnEarlierRunIsNotTrusted() {
    Path dir = tmp.resolve("kept");
    Instance first = new Instance(dir).start(0, 1, 2, 3);
    produce(5);
    first.batch();
    first.ssc.stop(false);
    produce(2); // committed by nobody yet
    Instance again = new Instance(dir).start();
    assertEquals(Map.of(), again.counts()); // nothing runs here: nothing is shown
    again.member.assign(0, 1, 2, 3);
    again.batch();
    assertEquals(truth, again.counts());
  }

  @Test
  void aMembershipThatCannotGoOnStopsTheContextWithItsError() throws InterruptedException {
    Instance a = new Instance().start(0);
    a.member.control.fail(new IllegalStateException("test: not authorized to read events"));
    StreamingException e = assertThrows(StreamingException.class, a.ssc::awaitTermination);
    assertTrue(String.valueOf(e.getMessage()).contains("not authorized")
        || String.valueOf(e.getCause()).contains("not authorized"), String.valueOf(e));
  }

  @Test
  void timeoutsMoveWithTheirGroupAndFireOnTheNewOwnerWhenDue() {
    Duration timeout = Durations.milliseconds(2 * INTERVAL);
    Instance a = new Instance(tmp.resolve("a"), 0, timeout).start(0, 1);
    source.append(0, "idle", 1);
    source.append(1, "busy", 1);
    a.batch(); // t=1000: both seen
    source.append(1, "busy", 1);
    a.batch(); // t=2000: busy seen again
    a.member.revoke(0, 1);
    Instance b = new Instance(tmp.resolve("b"), a.last, timeout).start(0, 1);
    assertEquals(Map.of("idle", 1L, "busy", 2L), b.counts());
    b.batch(); // t=3000: nothing due yet (idle was seen at 1000, times out after 2000 ms idle)
    assertEquals(List.of(), b.mapped.get(3 * INTERVAL));
    b.batch(); // t=4000: idle times out here, as it would have on a
    assertEquals(List.of(Pair.of("idle", -1L)), b.mapped.get(4 * INTERVAL));
    assertEquals(Map.of("busy", 2L), b.counts());
    b.batch(); // t=5000: busy (seen at 2000) times out
    assertEquals(List.of(Pair.of("busy", -1L)), b.mapped.get(5 * INTERVAL));
    assertEquals(Map.of(), b.counts());
  }

  @Test
  void aRevokedGroupIsKeptAsACopyThatTheChangelogContinues() {
    Instance a = new Instance().start(0, 1, 2, 3);
    produce(5);
    a.batch();
    a.member.revoke(3);
    int position = kafka.changelog("counts", 3).size(); // where a's copy of group 3 stands
    Instance b = new Instance().start(3);
    produce(4);
    a.batch();
    b.batch();
    produce(2);
    a.batch();
    b.batch();
    b.member.revoke(3);
    a.member.resume(3, position); // only what b wrote meanwhile
    produce(3);
    a.batch();
    assertEquals(truth, a.counts());
    for (int g = 0; g < GROUPS; g++) {
      assertEquals(end(g), kafka.committed(MemoryKeyedSource.id("events", g)));
    }
  }

  @Test
  void sliceIsRefusedInAGroup() {
    Instance a = new Instance().start(0);
    StreamingException e = assertThrows(StreamingException.class,
        () -> a.events.slice(new Time(0), new Time(INTERVAL)));
    assertTrue(e.getMessage().contains("slice cannot be used in group 'counting'"), e.getMessage());
  }

  @Test
  void stateWithAnotherPartitionCountIsRefusedAtStart() {
    Path dir = tmp.resolve("four");
    new Instance(dir).start(0).ssc.stop(false);
    StreamingContext ssc = new StreamingContext(StreamingConfig.defaults().withStateDir(dir),
        Durations.milliseconds(INTERVAL));
    instancesToStop.add(ssc);
    count(ClusterAccess.keyedStream(ssc, new MemoryKeyedSource("events", 6)));
    ClusterAccess.joinGroup(ssc, kafka.new Member("events"), APP);
    StreamingException e = assertThrows(StreamingException.class, ssc::start);
    assertTrue(e.getMessage().contains("has 4 key groups"), e.getMessage());
    assertTrue(e.getMessage().contains("has 6 partitions"), e.getMessage());
  }

  @Test
  void aRevocationReturnsOnlyOnceTheGroupsBatchesCommitted() {
    Instance a = new Instance().start(0, 1, 2, 3);
    produce(4);
    a.member.deferNext.set(true);
    a.batch(); // left in the open transaction
    assertEquals(0, kafka.committed("events-3"));
    CompletableFuture<Long> revoked = CompletableFuture.supplyAsync(() -> {
      a.member.revoke(3);
      return kafka.committed("events-3");
    });
    a.batch(); // commits the deferred batch with it
    assertEquals(end(3), revoked.join()); // when revoke returned, group 3's input was committed
    Instance b = new Instance().start(3);
    assertEquals(truthOf(3), b.counts());
  }

  @Test
  void aBatchDeferredBeforeTheMemberLostItsGroupsNeverCommits() {
    Instance a = new Instance().start(0, 1, 2, 3);
    produce(4);
    a.batch();
    produce(3);
    a.member.deferNext.set(true);
    a.batch(); // left in the open transaction: a rebalance started
    a.member.lose(); // then the member was removed (its session expired)
    assertEquals(1, a.member.discards);
    assertEquals(Map.of(), a.counts());
    // Group 3's new owner starts from what was committed: the deferred batch is not in it.
    Instance b = new Instance().start(3);
    produce(5); // every user of group 3 counts more than in the deferred batch
    b.batch();
    // a rejoins and gets 0..2 back; its first commit must not carry the batch deferred before the loss.
    a.member.assign(0, 1, 2);
    a.batch();
    assertEquals(truthOf(0, 1, 2), a.counts());
    assertEquals(truthOf(3), b.counts());
    // Group 3's changelog ends with b's counts, not with a's stale ones written after them.
    b.member.revoke(3);
    Instance c = new Instance().start(3);
    assertEquals(truthOf(3), c.counts());
    for (int g = 0; g < GROUPS; g++) {
      assertEquals(end(g), kafka.committed(MemoryKeyedSource.id("events", g)));
    }
  }

  @Test
  void aGroupBeingRevokedWhenACommitAbortsIsReportedEmptiedNotKeptAsACopy() {
    Instance a = new Instance().start(0, 1, 2, 3);
    produce(4);
    a.batch();
    produce(3);
    a.member.deferNext.set(true);
    a.batch(); // group 3's input waits in the open transaction
    CompletableFuture<Void> revoked = CompletableFuture.runAsync(() -> a.member.revoke(3));
    a.member.abortNext.set(true);
    a.batch(); // the commit the revocation waits for aborts: every running group is emptied
    revoked.join();
    // Group 3's copy holds nothing: the member must not continue it from its old position.
    assertEquals(java.util.Set.of(0, 1, 2, 3), a.member.emptied);
    assertEquals(Map.of(), a.counts());
    Instance b = new Instance().start(3);
    a.member.assign(0, 1, 2);
    a.batch();
    b.batch();
    assertEquals(truthOf(0, 1, 2), a.counts());
    assertEquals(truthOf(3), b.counts());
  }

  @Test
  void aProgramAGroupCannotRunIsRefusedAtStart() {
    StreamingContext ssc = new StreamingContext(StreamingConfig.defaults(), Durations.milliseconds(INTERVAL));
    ClusterAccess.keyedStream(ssc, source).mapToPair(kv -> Pair.of(kv.value(), kv.key()))
        .updateStateByKey((List<String> vs, Optional<Long> s) -> s).name("rekeyed").foreachBatch(d -> {});
    ClusterAccess.joinGroup(ssc, kafka.new Member("events"), APP);
    StreamingException e = assertThrows(StreamingException.class, ssc::start);
    assertTrue(e.getMessage().contains("updateStateByKey 'rekeyed'"), e.getMessage());
    assertTrue(e.getMessage().contains("keyed differently"), e.getMessage());
  }

  /**
   * Local checkpoints in a group (design 7.1): taken only after a batch whose commit left nothing
   * deferred (a deferred batch's changes may never commit: a checkpoint holding them would be a
   * copy ahead of its changelog), with the member's positions; the next start hands them back.
   */
  @Test
  void aGroupCheckpointIsTakenOnlyAfterACommittedBatchAndItsPositionsAreHandedBackAtStart() throws Exception {
    Path cp = tmp.resolve("cp");
    Instance a = new Instance();
    a.ssc.checkpoint(cp.toString());
    a.start(0, 1, 2, 3);
    produce(2);
    a.batch();
    a.member.deferAll.set(true);
    produce(1);
    a.batch();
    a.ssc.stop(true); // its last batches are deferred: no checkpoint
    assertEquals(List.of(), checkpoints(cp));

    Instance b = new Instance();
    b.ssc.checkpoint(cp.toString());
    b.start(0, 1, 2, 3);
    assertEquals(Optional.empty(), b.member.control.stateAccess().restoredPositions());
    long[] at = {3, 1, -1, 4};
    b.member.positions = new io.uji.engine.cluster.ChangelogPositions(Map.of("counts", "topic-id"),
        Map.of("counts", at));
    b.batch();
    b.ssc.stop(true); // its last batch committed: a checkpoint of it
    assertEquals(1, checkpoints(cp).size());

    Instance c = new Instance();
    c.ssc.checkpoint(cp.toString());
    c.start();
    assertEquals(Optional.of(b.member.positions), c.member.control.stateAccess().restoredPositions());
  }

  private static List<Path> checkpoints(Path cp) throws java.io.IOException {
    try (var files = java.nio.file.Files.list(cp.resolve("checkpoints"))) {
      return files.filter(f -> f.getFileName().toString().matches("checkpoint-\\d+")).toList();
    }
  }

  @Test
  void aGracefulStopLeavesTheGroupAndAStopStays() {
    Instance a = new Instance().start(0);
    a.ssc.stop(true);
    assertTrue(a.member.stopped);
    assertTrue(a.member.stoppedLeaving);
    Instance b = new Instance().start(1);
    b.ssc.stop(false);
    assertTrue(b.member.stopped);
    assertFalse(b.member.stoppedLeaving);
  }

  private static void count(PairDStream<String, Long> in) {
    in.mapWithState(StateSpec.function((String k, Optional<Long> v, State<Long> s) -> 0L)).name("counts")
        .foreachBatch(d -> {});
  }
}
