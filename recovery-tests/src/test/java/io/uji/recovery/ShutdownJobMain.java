package io.uji.recovery;

import io.uji.streaming.BatchInfo;
import io.uji.streaming.DStream;
import io.uji.streaming.Dataset;
import io.uji.streaming.Durations;
import io.uji.streaming.GeneratorSpec;
import io.uji.streaming.Pair;
import io.uji.streaming.StreamingConfig;
import io.uji.streaming.StreamingContext;
import io.uji.streaming.StreamingListener;
import io.uji.streaming.Time;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A job that is deployed again and again: a rate-limited generator, counted per user by
 * updateStateByKey, with {@code stopGracefullyOnShutdown} set from the {@code graceful} argument.
 * Arguments {@code key=value}: {@code checkpoint out events users rate batchMs checkpointBatches
 * graceful}.
 *
 * <p>Prints {@code STARTED}, then {@code BATCH <n> <time> replay=<true|false>} for the n-th batch
 * this run completed, and when every event was counted {@code TOTAL events=<sum> users=<n>} from
 * the state, then stops gracefully and exits 0. Each batch's events are also written idempotently
 * to {@code <out>/events/<time>.txt}.
 */
public final class ShutdownJobMain {
  private ShutdownJobMain() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = ChildJobs.arguments(args);
    Outputs out = new Outputs(Path.of(a.get("out")));
    long events = Long.parseLong(a.get("events"));
    int users = Integer.parseInt(a.get("users"));
    long batchMs = Long.parseLong(a.getOrDefault("batchMs", "100"));
    Map<Integer, Long> totals = new ConcurrentHashMap<>();
    CountDownLatch done = new CountDownLatch(1);
    AtomicInteger batches = new AtomicInteger();
    StreamingContext ssc = StreamingContext.getActiveOrCreate(a.get("checkpoint"), () -> {
      StreamingConfig config = StreamingConfig.builder().workerThreads(2).defaultParallelism(2)
          .stateMemoryBytes(16L << 20).stopGracefullyOnShutdown(Boolean.parseBoolean(a.get("graceful"))).build();
      StreamingContext c = new StreamingContext(config, Durations.milliseconds(batchMs));
      DStream<Long> in = c.generatorStream(new GeneratorSpec<>(i -> i, Long.parseLong(a.get("rate")), 1000, events));
      in.checkpoint(Durations.milliseconds(batchMs * Long.parseLong(a.getOrDefault("checkpointBatches", "1000"))));
      in.foreachBatch((Dataset<Long> d, Time t) -> {
        List<String> l = new ArrayList<>();
        d.collect().stream().sorted().forEach(i -> l.add(Long.toString(i)));
        out.write("events", t.milliseconds(), l);
      });
      in.mapToPair(i -> Pair.of(Events.user(i, users), 1L))
          .updateStateByKey((List<Long> vs, Optional<Long> s) -> Optional.of(s.orElse(0L) + vs.size()))
          .name("totals").types(Integer.class, Long.class)
          .foreachBatch(d -> {
            d.collect().forEach(kv -> totals.put(kv.key(), kv.value()));
            if (totals.values().stream().mapToLong(Long::longValue).sum() == events) {
              done.countDown();
            }
          });
      c.addStreamingListener(new StreamingListener() {
        @Override
        public void onBatchCompleted(BatchInfo b) {
          System.out.println("BATCH " + batches.incrementAndGet() + " " + b.batchTime().milliseconds() + " replay="
              + b.replay());
        }
      });
      return c;
    });
    ChildJobs.startAndAwait(ssc, done);
    ssc.stop(true);
    System.out.println("TOTAL events=" + totals.values().stream().mapToLong(Long::longValue).sum() + " users="
        + totals.size());
    System.exit(0);
  }
}
