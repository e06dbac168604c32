package io.uji.bench.failover;

import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;

/**
 * The measuring side of {@code bench/kafka-failover.sh}, the same for Uji and Kafka Streams: both
 * commit their input offsets to the consumer group named by the application id, inside the
 * transaction of the batch (Uji) or of the commit (Kafka Streams), so a committed offset that moves
 * means output and state up to it are committed. Steps:
 *
 * <ol>
 *   <li>waits until the group's committed offsets cover the preloaded {@code n0} events (the 1 M
 *       keys of state are built), then starts a {@link LiveFeed} of {@code rate} events/s and lets
 *       it run {@code steady-s};
 *   <li>reads the victim's partitions from the group's description (the member whose
 *       group.instance.id or client id starts with {@code victim}) once it holds half of them,
 *       SIGKILLs {@code victim-pid}
 *       and, once it is dead, reads the committed offsets of those partitions;
 *   <li>polls the group every 10 ms: <b>detect</b> = the victim's member gone or the group no
 *       longer stable (the coordinator expired its session); <b>rebalanced</b> = stable again
 *       with the victim's partitions assigned to a survivor; <b>committed</b> = every one of them
 *       has a committed offset beyond its value at the kill: the survivor's first completed batch
 *       (or commit) that covers the moved partitions; <b>settled</b> = the moved partitions'
 *       changelog has no open transaction any more (the victim's was aborted by its timeout);
 *   <li>reads the survivor's output for the restore ({@link RestoreLog}) and prints the RESULT line.
 * </ol>
 *
 * <p>Arguments {@code key=value}: {@code system bootstrap app n0 k rate steady-s victim victim-pid
 * survivor-log session-timeout-ms timeout-s}.
 */
public final class FailoverWatch {
  private static final String INPUT = "input";
  private static final int PARTITIONS = 6;

  private final Map<String, String> a;
  private final Admin admin;
  private final String app;

  private FailoverWatch(Map<String, String> a, Admin admin) {
    this.a = a;
    this.admin = admin;
    this.app = Args.required(a, "app");
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> a = Args.parse(args);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", Args.required(a, "bootstrap")))) {
      new FailoverWatch(a, admin).run();
    }
  }

  private void run() throws Exception {
    long n0 = Long.parseLong(Args.required(a, "n0"));
    long timeoutMs = Long.parseLong(a.getOrDefault("timeout-s", "600")) * 1000;
    long t0 = System.currentTimeMillis();
    while (committedTotal() < n0) {
      if (System.currentTimeMillis() - t0 > timeoutMs) {
        throw new IllegalStateException("the preloaded events were not committed within the timeout: " + committedTotal());
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    long builtS = System.currentTimeMillis() - t0;
    System.out.printf(Locale.ROOT, "INFO state built: %d events committed after %.1f s%n", n0, builtS / 1000.0);
    try (LiveFeed feed = new LiveFeed(a.get("bootstrap"), n0, Long.parseLong(Args.required(a, "k")),
        Long.parseLong(Args.required(a, "rate")))) {
      TimeUnit.SECONDS.sleep(Long.parseLong(a.getOrDefault("steady-s", "5")));
      measure(feed, n0, timeoutMs);
    }
  }

  private void measure(LiveFeed feed, long n0, long timeoutMs) throws Exception {
    String victim = Args.required(a, "victim");
    // Kafka Streams moves tasks to a new instance over follow-up rebalances (warmups), so the
    // victim may hold fewer than its half for a while: wait for the balanced assignment, so that
    // both systems move the same share of the state.
    Set<Integer> moved = new TreeSet<>();
    long waitUntil = System.currentTimeMillis() + 120_000;
    while (true) {
      moved.clear();
      ConsumerGroupDescription before = describe();
      for (MemberDescription m : before.members()) {
        if (isVictim(m, victim)) {
          m.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(INPUT))
              .forEach(tp -> moved.add(tp.partition()));
        }
      }
      if (moved.size() == PARTITIONS / 2 && before.groupState() == GroupState.STABLE) {
        break;
      }
      if (System.currentTimeMillis() > waitUntil) {
        throw new IllegalStateException("victim " + victim + " does not hold half of the partitions: " + before);
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    ProcessHandle victimProcess = ProcessHandle.of(Long.parseLong(Args.required(a, "victim-pid")))
        .orElseThrow(() -> new IllegalStateException("victim process not found"));
    long killMs = System.currentTimeMillis();
    victimProcess.destroyForcibly(); // SIGKILL
    victimProcess.onExit().get(10, TimeUnit.SECONDS);
    Map<Integer, Long> atKill = committed(moved);
    System.out.printf(Locale.ROOT, "INFO killed %s (partitions %s) at %d; committed then %s; fed %d events%n", victim,
        moved, killMs, atKill, feed.produced(n0));

    long detectMs = 0;
    long stableMs = 0;
    long committedMs = 0;
    long settledMs = 0; // the moved changelog partitions hold no open transaction (the victim's aborted)
    boolean openAtKill = false;
    String seen = "";
    while (committedMs == 0) {
      long now = System.currentTimeMillis();
      if (now - killMs > timeoutMs) {
        throw new IllegalStateException("no commit covering " + moved + " within the timeout");
      }
      if (stableMs == 0) {
        ConsumerGroupDescription d = describe();
        boolean victimThere = d.members().stream().anyMatch(m -> isVictim(m, victim));
        String state = d.groupState() + " " + d.members().stream().map(m -> m.groupInstanceId().orElse(m.clientId())).sorted().toList();
        if (!state.equals(seen)) {
          seen = state;
          System.out.printf(Locale.ROOT, "INFO +%.2f s group %s%n", s(now - killMs), state);
        }
        if (detectMs == 0 && (!victimThere || d.groupState() != GroupState.STABLE)) {
          detectMs = now;
        }
        if (detectMs != 0 && d.groupState() == GroupState.STABLE && !victimThere && assigned(d, moved)) {
          stableMs = now;
        }
      }
      if (settledMs == 0) {
        if (openTransactions(moved)) {
          openAtKill = true;
        } else {
          settledMs = System.currentTimeMillis();
        }
      }
      Map<Integer, Long> c = committed(moved);
      if (moved.stream().allMatch(p -> c.getOrDefault(p, -1L) > atKill.getOrDefault(p, -1L))) {
        committedMs = System.currentTimeMillis();
      } else {
        TimeUnit.MILLISECONDS.sleep(10);
      }
    }
    long fed = feed.produced(n0);
    if (stableMs == 0) {
      stableMs = committedMs; // the group was stable again between two polls
    }
    RestoreLog restore = RestoreLog.read(Path.of(Args.required(a, "survivor-log")), moved, killMs);
    long readyMs = restore.readyMs() == 0 ? stableMs : Math.max(restore.readyMs(), stableMs);
    System.out.printf(Locale.ROOT,
        "RESULT workload=kafka-failover system=%s session_timeout_ms=%s instances=2 partitions=6 n0=%d k=%s rate_eps=%s"
            + " victim_partitions=%s failover_s=%.2f detect_s=%.2f rebalance_s=%.2f restore_s=%.2f restore_records=%d"
            + " first_commit_s=%.2f open_txn_at_kill=%s txn_settled_s=%.2f fed=%d kill_epoch_ms=%d%n",
        a.get("system"), a.get("session-timeout-ms"), n0, a.get("k"), a.get("rate"), moved.toString().replace(" ", ""),
        s(committedMs - killMs), s(detectMs - killMs), s(stableMs - detectMs), s(readyMs - stableMs),
        restore.records(), s(committedMs - readyMs), openAtKill, settledMs == 0 ? -1.0 : s(settledMs - killMs), fed,
        killMs);
  }

  /**
   * @return whether a changelog partition of the moved groups has a transaction still open (last
   *     stable offset below the high watermark): the dead instance's, until its timeout aborts it.
   *     Both systems name the changelog {@code <app>-counts-changelog}.
   */
  private boolean openTransactions(Set<Integer> partitions) throws Exception {
    Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
    for (int p : partitions) {
      specs.put(new TopicPartition(app + "-counts-changelog", p), OffsetSpec.latest());
    }
    var stable = admin.listOffsets(specs, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
        .get(10, TimeUnit.SECONDS);
    var high = admin.listOffsets(specs, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all()
        .get(10, TimeUnit.SECONDS);
    return specs.keySet().stream().anyMatch(tp -> stable.get(tp).offset() < high.get(tp).offset());
  }

  private static double s(long ms) {
    return ms / 1000.0;
  }

  private static boolean isVictim(MemberDescription m, String victim) {
    return m.groupInstanceId().map(id -> id.startsWith(victim)).orElse(false) || m.clientId().startsWith(victim);
  }

  private static boolean assigned(ConsumerGroupDescription d, Set<Integer> partitions) {
    Set<Integer> held = new TreeSet<>();
    for (MemberDescription m : d.members()) {
      m.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(INPUT)).forEach(tp -> held.add(tp.partition()));
    }
    return held.containsAll(partitions);
  }

  private ConsumerGroupDescription describe() throws Exception {
    return admin.describeConsumerGroups(List.of(app)).describedGroups().get(app).get(10, TimeUnit.SECONDS);
  }

  private Map<TopicPartition, OffsetAndMetadata> offsets() throws Exception {
    return admin.listConsumerGroupOffsets(app).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
  }

  private long committedTotal() throws Exception {
    return sum(offsets().entrySet().stream().filter(e -> e.getKey().topic().equals(INPUT) && e.getValue() != null)
        .map(e -> e.getValue().offset()).toList());
  }

  private static long sum(Collection<Long> values) {
    return values.stream().mapToLong(Long::longValue).sum();
  }

  private Map<Integer, Long> committed(Set<Integer> partitions) throws Exception {
    Map<Integer, Long> out = new HashMap<>();
    offsets().forEach((tp, om) -> {
      if (tp.topic().equals(INPUT) && om != null && partitions.contains(tp.partition())) {
        out.put(tp.partition(), om.offset());
      }
    });
    return out;
  }
}
