package io.uji.recovery;

import io.uji.checkpoint.CrashPoints;
import io.uji.streaming.DStream;
import io.uji.streaming.Dataset;
import io.uji.streaming.Durations;
import io.uji.streaming.GeneratorSpec;
import io.uji.streaming.MapWithStateDStream;
import io.uji.streaming.Pair;
import io.uji.streaming.PairDStream;
import io.uji.streaming.StateSpec;
import io.uji.streaming.StreamingConfig;
import io.uji.streaming.StreamingContext;
import io.uji.streaming.Time;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * A real job on a checkpoint directory, run in a child JVM: {@code key=value} arguments
 * {@code workload checkpoint out events users perBatch batchMs checkpointBatches}, and optionally
 * {@code keyGroups} (the state's key groups; fewer make more dirty entries a group).
 *
 * <p>Event {@code i} of a deterministic generator belongs to user {@link Events#user}. Every
 * output writes {@code <out>/<stream>/<batchTime>.txt} idempotently (see {@link Outputs}). When
 * all events are processed it prints {@code TOTAL events=<sum> users=<n>} computed from the state
 * (stateless workloads: from the outputs) and exits 0.
 *
 * <p>Workloads: {@code stateless} (the events of each batch), {@code window}
 * (reduceByKeyAndWindow with an inverse function, plus the raw events), {@code sessions}
 * (mapWithState with an idle timeout: timed-out sessions are emitted), {@code update}
 * (updateStateByKey), {@code two} (both in one program), {@code upgrade-v1} / {@code upgrade-v2}
 * (v2 adds a stateless output before the stateful operator, which keeps its name).
 *
 * <p>Crash points of its own, besides the engine's: {@code job.before-output} and
 * {@code job.after-output} (mid-batch, around the first output of a batch), {@code
 * job.replay-output} (only when a batch's output already existed: a crash while replaying).
 */
public final class JobMain {
  private final Map<String, String> a;
  private final Outputs out;
  private final long events;
  private final int users;
  private final CountDownLatch done = new CountDownLatch(1);
  private volatile String total;
  private volatile String sessionsTotal;
  /** Events per batch time in the "events" outputs, including earlier runs' (stateless workloads). */
  private final Map<Long, Integer> eventsByTime = new ConcurrentHashMap<>();
  /** Events counted in timed-out sessions per batch time, with their users (sessions workloads). */
  private final Map<Long, Map<Integer, Long>> timedOutByTime = new ConcurrentHashMap<>();

  private JobMain(Map<String, String> a) {
    this.a = a;
    this.out = new Outputs(Path.of(a.get("out")));
    this.events = Long.parseLong(a.get("events"));
    this.users = Integer.parseInt(a.getOrDefault("users", "50"));
    for (Map.Entry<Long, List<String>> e : Outputs.read(out.root(), "events").entrySet()) {
      eventsByTime.put(e.getKey(), e.getValue().size());
    }
    for (Map.Entry<Long, List<String>> e : Outputs.read(out.root(), "timeouts").entrySet()) {
      timedOutByTime.put(e.getKey(), parseCounts(e.getValue()));
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> a = ChildJobs.arguments(args);
    new JobMain(a).run();
  }

  private void run() throws Exception {
    StreamingContext ssc = StreamingContext.getActiveOrCreate(a.get("checkpoint"), this::create);
    ChildJobs.startAndAwait(ssc, done);
    System.out.println(total);
    ssc.stop(false);
    System.exit(0);
  }

  private StreamingContext create() {
    long batchMs = Long.parseLong(a.getOrDefault("batchMs", "50"));
    int perBatch = Integer.parseInt(a.getOrDefault("perBatch", "20"));
    int ckptBatches = Integer.parseInt(a.getOrDefault("checkpointBatches", "3"));
    StreamingConfig config = StreamingConfig.defaults().withWorkerThreads(2).withDefaultParallelism(2)
        .withCheckpointsRetained(2).withStateMemoryBytes(16L << 20);
    if (a.containsKey("keyGroups")) {
      config = config.withStateKeyGroups(Integer.parseInt(a.get("keyGroups")));
    }
    StreamingContext ssc = new StreamingContext(config, Durations.milliseconds(batchMs));
    int u = users;
    DStream<Long> in = ssc.generatorStream(new GeneratorSpec<>(i -> i, 0, perBatch, events));
    in.checkpoint(Durations.milliseconds(batchMs * ckptBatches));
    String workload = a.get("workload");
    switch (workload) {
      case "stateless" -> eventsOutput(in);
      case "window" -> {
        eventsOutput(in);
        windowOutput(in, u, batchMs);
      }
      case "sessions" -> sessions(in, u, batchMs);
      case "update" -> update(in, u, true);
      case "two" -> {
        sessions(in, u, batchMs);
        update(in, u, false);
      }
      case "upgrade-v1" -> update(in, u, true);
      case "upgrade-v2" -> {
        // A new stateless operator and output before the (same-named) stateful one.
        in.filter(i -> i % 7 == 0).map(i -> "seven:" + i).foreachBatch((d, t) -> {
          List<String> l = new ArrayList<>(d.collect());
          l.sort(null);
          out.write("sevens", t.milliseconds(), l);
        });
        update(in, u, true);
      }
      default -> throw new IllegalArgumentException("unknown workload " + workload);
    }
    return ssc;
  }

  private void batchDone(Time t, boolean replay) {
    System.out.println("BATCH " + t.milliseconds() + (replay ? " replay" : ""));
  }

  private void eventsOutput(DStream<Long> in) {
    in.foreachBatch((Dataset<Long> d, Time t) -> {
      List<Long> l = new ArrayList<>(d.collect());
      l.sort(null);
      boolean replay = writeChecked("events", t, l.stream().map(String::valueOf).toList());
      eventsByTime.put(t.milliseconds(), l.size());
      batchDone(t, replay);
      long sum = eventsByTime.values().stream().mapToLong(Integer::longValue).sum();
      if (sum == events && !a.get("workload").equals("window")) {
        finish("TOTAL events=" + sum + " users=" + usersFromEvents());
      }
    });
  }

  private void windowOutput(DStream<Long> in, int u, long batchMs) {
    in.mapToPair(i -> new Pair<>(Events.user(i, u), 1L))
        .reduceByKeyAndWindow(Long::sum, (x, y) -> x - y, Durations.milliseconds(4 * batchMs),
            Durations.milliseconds(2 * batchMs), 2, kv -> kv.value() != 0)
        .foreachBatch((d, t) -> {
          writeChecked("window", t, sortedCounts(d));
          long sum = eventsByTime.values().stream().mapToLong(Integer::longValue).sum();
          if (sum == events) {
            finish("TOTAL events=" + sum + " users=" + usersFromEvents());
          }
        });
  }

  private void sessions(DStream<Long> in, int u, long batchMs) {
    // State: events of the user's current session. On timeout the session's count is emitted.
    MapWithStateDStream<Integer, Long, Long, Pair<Integer, Long>> s = in
        .mapToPair(i -> new Pair<>(Events.user(i, u), 1L))
        .mapWithState(StateSpec.<Integer, Long, Long, Pair<Integer, Long>>function(
            (Time time, Integer user, Optional<Long> v, io.uji.streaming.State<Long> state) -> {
              if (state.isTimingOut()) {
                return Optional.of(new Pair<>(user, state.get()));
              }
              state.update(state.getOption().orElse(0L) + v.orElse(0L));
              return Optional.<Pair<Integer, Long>>empty();
            }).timeout(Durations.milliseconds(3 * batchMs)).numPartitions(2).types(Integer.class, Long.class))
        .name("sessions");
    s.foreachBatch((d, t) -> {
      Map<Integer, Long> m = new TreeMap<>();
      for (Pair<Integer, Long> p : d.collect()) {
        m.merge(p.key(), p.value(), Long::sum);
      }
      List<String> lines = new ArrayList<>();
      m.forEach((k, v) -> lines.add(k + "=" + v));
      writeChecked("timeouts", t, lines);
      timedOutByTime.put(t.milliseconds(), m);
    });
    s.stateSnapshots().foreachBatch((d, t) -> {
      List<String> lines = sortedCounts(d);
      boolean replay = writeChecked("sessions", t, lines);
      batchDone(t, replay);
      Map<Integer, Long> perUser = parseCounts(lines);
      for (Map<Integer, Long> m : timedOutByTime.values()) {
        m.forEach((k, v) -> perUser.merge(k, v, Long::sum));
      }
      long sum = perUser.values().stream().mapToLong(Long::longValue).sum();
      if (sum == events) {
        sessionsTotal = "TOTAL events=" + sum + " users=" + perUser.size();
        if (!a.get("workload").equals("two")) {
          finish(sessionsTotal);
        }
      }
    });
  }

  private void update(DStream<Long> in, int u, boolean finishes) {
    PairDStream<Integer, Long> counts = in.mapToPair(i -> new Pair<>(Events.user(i, u), 1L))
        .updateStateByKey((List<Long> vs, Optional<Long> st) -> {
          long c = st.orElse(0L);
          for (long v : vs) {
            c += v;
          }
          return Optional.of(c);
        }, 2).name("totals");
    counts.foreachBatch((d, t) -> {
      List<String> lines = sortedCounts(d);
      boolean replay = writeChecked("totals", t, lines);
      if (finishes) {
        batchDone(t, replay);
      }
      long sum = 0;
      for (Pair<Integer, Long> p : d.collect()) {
        sum += p.value();
      }
      if (sum == events && finishes) {
        finish("TOTAL events=" + sum + " users=" + d.count());
      } else if (sum == events && sessionsTotal != null) {
        // "two": this output runs after the sessions' in each batch; both must have seen every event.
        finish(sessionsTotal);
      }
    });
  }

  private boolean writeChecked(String stream, Time t, List<String> lines) {
    CrashPoints.hit("job.before-output");
    boolean replay = out.write(stream, t.milliseconds(), lines);
    if (replay) {
      CrashPoints.hit("job.replay-output");
    }
    CrashPoints.hit("job.after-output");
    return replay;
  }

  private void finish(String line) {
    if (total == null) {
      total = line;
      done.countDown();
    }
  }

  private long usersFromEvents() {
    return Outputs.read(out.root(), "events").values().stream().flatMap(List::stream)
        .map(s -> Events.user(Long.parseLong(s), users)).distinct().count();
  }

  private static <K, V> List<String> sortedCounts(Dataset<Pair<K, V>> d) {
    TreeMap<String, String> m = new TreeMap<>();
    for (Pair<K, V> p : d.collect()) {
      m.put(String.valueOf(p.key()), String.valueOf(p.value()));
    }
    List<String> lines = new ArrayList<>();
    m.entrySet().stream().sorted(Map.Entry.comparingByKey((x, y) -> Integer.compare(Integer.parseInt(x),
        Integer.parseInt(y)))).forEach(e -> lines.add(e.getKey() + "=" + e.getValue()));
    return lines;
  }

  static Map<Integer, Long> parseCounts(List<String> lines) {
    Map<Integer, Long> m = new TreeMap<>();
    for (String l : lines) {
      int eq = l.indexOf('=');
      m.merge(Integer.parseInt(l.substring(0, eq)), Long.parseLong(l.substring(eq + 1)), Long::sum);
    }
    return m;
  }
}
