package io.uji.recovery;

import io.uji.checkpoint.CrashPoints;
import io.uji.kafka.KafkaRecord;
import io.uji.kafka.KafkaSink;
import io.uji.kafka.KafkaSource;
import io.uji.streaming.BatchInfo;
import io.uji.streaming.DStream;
import io.uji.streaming.Dataset;
import io.uji.streaming.Durations;
import io.uji.streaming.MapWithStateDStream;
import io.uji.streaming.Pair;
import io.uji.streaming.PairDStream;
import io.uji.streaming.State;
import io.uji.streaming.StateSpec;
import io.uji.streaming.StreamingConfig;
import io.uji.streaming.StreamingContext;
import io.uji.streaming.StreamingListener;
import io.uji.streaming.Time;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiConsumer;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A job from Kafka to Kafka on a checkpoint directory, run in a child JVM: it counts the
 * session-count events of topic {@code input} per user in keyed state and writes, per batch, each
 * updated user's new count (one record per user and batch: key user, value count) through the
 * transactional sink to topic {@code output}. Arguments {@code key=value}: {@code checkpoint out
 * bootstrap input output txid group workload events batchMs maxRate checkpointBatches}.
 *
 * <p>Workloads: {@code update} (updateStateByKey; the state remembers whether the batch changed
 * the count) and {@code sessions} (mapWithState, the count after each event, the highest per
 * batch written). Once the state holds all {@code events} it writes the per-user counts to
 * {@code <out>/final-state.txt}, prints {@code TOTAL events=<sum> users=<n>} and exits 0. Every
 * completed batch prints {@code BATCH <time> records=<n>}.
 *
 * <p>A crash point of its own: {@code job.after-kafka-commit}, right after the sink committed a
 * batch's transaction and before the batch is recorded as done.
 */
public final class KafkaJobMain {
  private final Map<String, String> a;
  private final long events;
  private final CountDownLatch done = new CountDownLatch(1);
  private volatile Map<String, Long> finalState;

  private KafkaJobMain(Map<String, String> a) {
    this.a = a;
    this.events = Long.parseLong(a.get("events"));
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> a = ChildJobs.arguments(args);
    new KafkaJobMain(a).run();
  }

  private void run() throws Exception {
    StreamingContext ssc = StreamingContext.getActiveOrCreate(a.get("checkpoint"), this::create);
    ChildJobs.startAndAwait(ssc, done);
    Map<String, Long> state = finalState;
    writeFinalState(Path.of(a.get("out")), state);
    System.out.println("TOTAL events=" + state.values().stream().mapToLong(Long::longValue).sum() + " users="
        + state.size());
    System.out.flush();
    ssc.stop(false);
    System.exit(0);
  }

  private StreamingContext create() {
    long batchMs = Long.parseLong(a.getOrDefault("batchMs", "100"));
    int checkpointBatches = Integer.parseInt(a.getOrDefault("checkpointBatches", "3"));
    StreamingConfig config = StreamingConfig.defaults().withWorkerThreads(2).withDefaultParallelism(2)
        .withCheckpointsRetained(2).withStateMemoryBytes(16L << 20);
    StreamingContext ssc = new StreamingContext(config, Durations.milliseconds(batchMs));
    ssc.addStreamingListener(new StreamingListener() {
      @Override
      public void onBatchCompleted(BatchInfo b) {
        System.out.println("BATCH " + b.batchTime().milliseconds() + " records=" + b.numRecords() + " processing="
            + b.processingDelay() + "ms scheduling=" + b.schedulingDelay() + "ms");
      }
    });
    KafkaSource<String, Long> source = KafkaSource.<String, Long>builder(Map.of(
            "bootstrap.servers", a.get("bootstrap"), "group.id", a.get("group"),
            "key.deserializer", StringDeserializer.class, "value.deserializer", LongDeserializer.class))
        .topics(a.get("input"))
        .maxRatePerPartition(Long.parseLong(a.getOrDefault("maxRate", "1000")))
        .build();
    KafkaSink<Pair<String, Long>> sink = KafkaSink.<Pair<String, Long>>builder(Map.of(
            "bootstrap.servers", a.get("bootstrap"),
            "key.serializer", StringSerializer.class, "value.serializer", LongSerializer.class))
        .topic(a.get("output"))
        .transactionalId(a.get("txid"))
        .key(Pair::key)
        .value(Pair::value)
        .build();
    DStream<KafkaRecord<String, Long>> in = ssc.replayableStream(source);
    PairDStream<String, Long> ones = in.mapToPair(r -> Pair.of(r.key(), 1L));
    String workload = a.get("workload");
    switch (workload) {
      case "update" -> update(ones, sink, batchMs * checkpointBatches);
      case "sessions" -> sessions(ones, sink, batchMs * checkpointBatches);
      default -> throw new IllegalArgumentException("unknown workload " + workload);
    }
    return ssc;
  }

  /** updateStateByKey: state {count, 1 if this batch changed it}; the changed ones are written. */
  private void update(PairDStream<String, Long> ones, KafkaSink<Pair<String, Long>> sink, long checkpointMs) {
    PairDStream<String, long[]> counts = ones.updateStateByKey((List<Long> vs, Optional<long[]> s) -> {
      long before = s.map(st -> st[0]).orElse(0L);
      return Optional.of(new long[] {before + vs.size(), vs.isEmpty() ? 0 : 1});
    }, 2).name("counts");
    counts.checkpoint(Durations.milliseconds(checkpointMs));
    // The sink first: a batch's totals are looked at only after its output is committed.
    counts.filter(kv -> kv.value()[1] == 1).map(kv -> Pair.of(kv.key(), kv.value()[0]))
        .foreachBatch(new CommitThenCrashPoint(sink));
    counts.foreachBatch((d, t) -> {
      Map<String, Long> state = new TreeMap<>();
      for (Pair<String, long[]> kv : d.collect()) {
        state.put(kv.key(), kv.value()[0]);
      }
      checkDone(state);
    });
  }

  /** mapWithState: the count after each event; the highest of a batch per user is written. */
  private void sessions(PairDStream<String, Long> ones, KafkaSink<Pair<String, Long>> sink, long checkpointMs) {
    MapWithStateDStream<String, Long, Long, Pair<String, Long>> counts = ones.mapWithState(
        StateSpec.function((String user, Optional<Long> one, State<Long> state) -> {
          long c = state.getOption().orElse(0L) + 1;
          state.update(c);
          return Pair.of(user, c);
        }).numPartitions(2).types(String.class, Long.class)).name("counts");
    counts.checkpoint(Durations.milliseconds(checkpointMs));
    counts.mapToPair(p -> p).reduceByKey(Math::max).foreachBatch(new CommitThenCrashPoint(sink));
    counts.stateSnapshots().foreachBatch((d, t) -> {
      Map<String, Long> state = new TreeMap<>();
      for (Pair<String, Long> kv : d.collect()) {
        state.put(kv.key(), kv.value());
      }
      checkDone(state);
    });
  }

  private void checkDone(Map<String, Long> state) {
    long sum = state.values().stream().mapToLong(Long::longValue).sum();
    if (Boolean.getBoolean("debug.sums")) {
      System.out.println("SUM " + sum + " users=" + state.size());
    }
    if (sum == events && finalState == null) {
      finalState = state;
      done.countDown();
    }
  }

  private static void writeFinalState(Path out, Map<String, Long> state) throws IOException {
    Files.createDirectories(out);
    StringBuilder sb = new StringBuilder();
    state.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
    Path tmp = out.resolve("final-state.txt.tmp");
    Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
    Files.move(tmp, out.resolve("final-state.txt"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** The sink, then the crash point {@code job.after-kafka-commit}; closed with the context. */
  private static final class CommitThenCrashPoint
      implements BiConsumer<Dataset<Pair<String, Long>>, Time>, AutoCloseable {
    private final KafkaSink<Pair<String, Long>> sink;

    CommitThenCrashPoint(KafkaSink<Pair<String, Long>> sink) {
      this.sink = sink;
    }

    @Override
    public void accept(Dataset<Pair<String, Long>> batch, Time time) {
      sink.accept(batch, time);
      CrashPoints.hit("job.after-kafka-commit");
    }

    @Override
    public void close() {
      sink.close();
    }
  }

  /** @return the per-user counts in {@code <out>/final-state.txt} */
  static Map<String, Long> readFinalState(Path out) {
    try {
      Map<String, Long> m = new TreeMap<>();
      for (String l : Files.readAllLines(out.resolve("final-state.txt"), StandardCharsets.UTF_8)) {
        int eq = l.indexOf('=');
        m.put(l.substring(0, eq), Long.parseLong(l.substring(eq + 1)));
      }
      return m;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
