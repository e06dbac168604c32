package io.uji.recovery;

import io.uji.kafka.KafkaGroup;
import io.uji.streaming.BatchInfo;
import io.uji.streaming.Durations;
import io.uji.streaming.MapWithStateDStream;
import io.uji.streaming.Pair;
import io.uji.streaming.State;
import io.uji.streaming.StateSpec;
import io.uji.streaming.StreamingConfig;
import io.uji.streaming.StreamingContext;
import io.uji.streaming.StreamingListener;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One instance of a scale-out group, run in a child JVM by {@link ScaleOutTest}: the session-count
 * events of topic {@code input} counted per user ({@code keyedStream → mapValues(1) → reduceByKey
 * → mapWithState "counts"}), each batch's new count per updated user written through the group's
 * transactional sink to {@code output} (key user, value count). Arguments {@code key=value}:
 * {@code bootstrap app input output instance state}, and optionally {@code session} and {@code
 * transaction} (the group's session and transaction timeouts in milliseconds, 10 000 by default),
 * {@code liveness} (the failure detector's timeout in milliseconds, the builder's 1 500 by default),
 * {@code standbys} (the group's numStandbyReplicas, 0 by default) and {@code checkpoint} (a local
 * checkpoint directory, checkpointed every second; none by default).
 *
 * <p>Prints {@code STARTED}, then {@code BATCH <time> records=<n> processing_ms=<ms> scheduling_ms=<ms>}
 * after every committed batch and
 * {@code ABORTED <time> records=<n> <reason>} after every batch that did not commit (fenced, removed
 * from the group, the broker gone: nothing of it counts).
 * Reads commands on stdin: {@code dump <file>} writes the state of the key groups running here
 * ({@code user=count} lines) at the next batch and prints {@code DUMPED <file>}; {@code stop}
 * stops gracefully (the instance leaves the group), prints {@code STOPPED} and exits 0. Otherwise
 * it runs until killed; if its context stops by itself (a failure), it prints {@code TERMINATED}
 * and exits 2.
 */
public final class GroupJobMain {
  private final Map<String, String> a;
  private volatile Path dumpTo;
  private volatile boolean stopping;

  private GroupJobMain(Map<String, String> a) {
    this.a = a;
  }

  public static void main(String[] args) throws Exception {
    new GroupJobMain(ChildJobs.arguments(args)).run();
  }

  private void run() throws Exception {
    StreamingConfig config = StreamingConfig.defaults().withWorkerThreads(1).withDefaultParallelism(1)
        .withStateMemoryBytes(16L << 20).withStateDir(Path.of(a.get("state")));
    StreamingContext ssc = new StreamingContext(config, Durations.milliseconds(500));
    ssc.addStreamingListener(new StreamingListener() {
      @Override
      public void onBatchCompleted(BatchInfo b) {
        if (b.failureReason().isPresent()) {
          System.out.println("ABORTED " + b.batchTime().milliseconds() + " records=" + b.numRecords() + " "
              + b.failureReason().get().replace('\n', ' '));
        } else {
          System.out.println("BATCH " + b.batchTime().milliseconds() + " records=" + b.numRecords()
              + " processing_ms=" + b.processingDelay() + " scheduling_ms=" + b.schedulingDelay());
          Path file = dumpTo;
          if (file != null) {
            dump(ssc, file);
            dumpTo = null;
            System.out.println("DUMPED " + file);
          }
        }
      }
    });
    KafkaGroup<String, Long> group = KafkaGroup.<String, Long>builder(Map.of("bootstrap.servers", a.get("bootstrap"),
            "key.deserializer", StringDeserializer.class, "value.deserializer", LongDeserializer.class))
        .applicationId(a.get("app")).topics(a.get("input")).instanceId(a.get("instance"))
        // 10 s by default; said here because the test's cycle without a restart waits it out, and the
        // SIGSTOP scenario shortens it to wait less for the group to drop the paused instance.
        .sessionTimeout(Duration.ofMillis(Long.parseLong(a.getOrDefault("session", "10000"))))
        .transactionTimeout(Duration.ofMillis(Long.parseLong(a.getOrDefault("transaction", "10000"))))
        .livenessTimeout(Duration.ofMillis(Long.parseLong(a.getOrDefault("liveness", "1500"))))
        .numStandbyReplicas(Integer.parseInt(a.getOrDefault("standbys", "0")))
        .build();
    MapWithStateDStream<String, Long, Long, Pair<String, Long>> counts = group.keyedStream(ssc)
        .mapValues(v -> 1L).reduceByKey(Long::sum)
        .mapWithState(StateSpec.function((String user, Optional<Long> n, State<Long> s) -> {
          s.update(s.getOption().orElse(0L) + n.orElse(0L));
          return Pair.of(user, s.get());
        }).types(String.class, Long.class)).name("counts");
    if (a.containsKey("checkpoint")) {
      ssc.checkpoint(a.get("checkpoint"));
      counts.checkpoint(Durations.seconds(1));
    }
    counts.foreachBatch(group.sink(a.get("output"), Pair::key, new StringSerializer(), Pair::value,
        new LongSerializer()));
    ssc.start();
    System.out.println("STARTED");
    System.out.flush();
    // A context that stops by itself (a batch or the membership failed) would leave this JVM
    // reading commands and never dumping: exit instead, so that the test fails at once with the output.
    Thread watch = new Thread(() -> {
      String why = "";
      try {
        ssc.awaitTermination();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        why = " (" + e + ")";
      }
      if (!stopping) {
        System.out.println("TERMINATED: the context stopped by itself" + why);
        System.out.flush();
        System.exit(2);
      }
    }, "terminated-watch");
    watch.setDaemon(true);
    watch.start();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      for (String l = in.readLine(); l != null; l = in.readLine()) {
        if (l.startsWith("dump ")) {
          dumpTo = Path.of(l.substring(5).trim());
        } else if (l.equals("stop")) {
          stopping = true;
          ssc.stop(true); // leaves the group after its last batch: the others need not wait a session timeout
          System.out.println("STOPPED");
          System.out.flush();
          System.exit(0);
        }
      }
    }
    ssc.awaitTermination();
  }

  /**
   * Writes the state of the key groups running here, read through the state's query API ({@code
   * KeyedState.scan}, as of one batch boundary) rather than {@code stateSnapshots()}: a snapshot is
   * computed at every batch whether read or not, and with a million users over 16 MB of state
   * memory that read of every key in RocksDB took about a batch interval, which pinned
   * backpressure at its minimum rate.
   */
  private static void dump(StreamingContext ssc, Path file) {
    Map<String, Long> state = new TreeMap<>();
    try (var all = ssc.keyedState("counts", String.class, Long.class).scan()) {
      all.forEach(kv -> state.put(kv.key(), kv.value()));
    }
    write(file, state);
  }

  private static void write(Path file, Map<String, Long> state) {
    StringBuilder sb = new StringBuilder();
    state.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
    try {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** @return the {@code user=count} lines of a dump */
  static Map<String, Long> readDump(Path file) {
    try {
      Map<String, Long> m = new TreeMap<>();
      for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        int eq = l.indexOf('=');
        m.put(l.substring(0, eq), Long.parseLong(l.substring(eq + 1)));
      }
      return m;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
