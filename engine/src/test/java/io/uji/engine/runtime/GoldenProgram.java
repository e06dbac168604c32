package io.uji.engine.runtime;

import io.uji.streaming.BatchInfo;
import io.uji.streaming.Durations;
import io.uji.streaming.GeneratorSpec;
import io.uji.streaming.ManualClock;
import io.uji.streaming.Pair;
import io.uji.streaming.PairDStream;
import io.uji.streaming.StateSpec;
import io.uji.streaming.StreamingConfig;
import io.uji.streaming.StreamingContext;
import io.uji.streaming.StreamingListener;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The program behind the golden checkpoint fixture ({@code golden-checkpoint-v1.zip} in test
 * resources). It must never change: future versions of Uji must keep restoring the directory it
 * wrote with version 1 and continue exactly. Run {@link #main} to write a new fixture only when a
 * new format version is introduced (and keep the old one).
 */
final class GoldenProgram {
  static final long INTERVAL_MS = 1000;
  static final long TOTAL = 200;
  static final int USERS = 7;
  /** Batches run before the fixture was zipped: checkpoints at 5 and 10, batches 11 and 12 logged after. */
  static final int BATCHES_IN_FIXTURE = 12;

  final Map<String, Long> counts = new ConcurrentHashMap<>();
  final Map<String, Long> totals = new ConcurrentHashMap<>();
  final ConcurrentSkipListSet<Long> completed = new ConcurrentSkipListSet<>();

  static String user(long i) {
    return "user-" + (i % USERS);
  }

  StreamingContext create(ManualClock clock) {
    StreamingConfig cfg = StreamingConfig.defaults().withClock(clock).withWorkerThreads(2).withDefaultParallelism(2);
    StreamingContext ssc = new StreamingContext(cfg, Durations.milliseconds(INTERVAL_MS));
    PairDStream<String, Long> ones = ssc.generatorStream(new GeneratorSpec<>(GoldenProgram::user, 0, 10, TOTAL))
        .mapToPair(u -> Pair.of(u, 1L));
    ones.checkpoint(Durations.milliseconds(5 * INTERVAL_MS));
    StateSpec<String, Long, Long, Long> spec = StateSpec.function((String u, Optional<Long> one, io.uji.streaming.State<Long> s) -> {
      long c = s.getOption().orElse(0L) + one.orElse(0L);
      s.update(c);
      return c;
    });
    ones.mapWithState(spec.name("counts")).stateSnapshots()
        .foreachBatch(d -> d.collect().forEach(kv -> counts.put(kv.key(), kv.value())));
    ones.updateStateByKey((List<Long> vs, Optional<Long> s) -> Optional.of(s.orElse(0L) + vs.size()))
        .name("totals")
        .foreachBatch(d -> d.collect().forEach(kv -> totals.put(kv.key(), kv.value())));
    ssc.addStreamingListener(new StreamingListener() {
      @Override
      public void onBatchCompleted(BatchInfo b) {
        completed.add(b.batchTime().milliseconds());
      }
    });
    return ssc;
  }

  static Map<String, Long> expected() {
    Map<String, Long> m = new TreeMap<>();
    for (long i = 0; i < TOTAL; i++) {
      m.merge(user(i), 1L, Long::sum);
    }
    return m;
  }

  /** Writes a fresh fixture: {@code args[0]} = the zip to write. */
  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("golden");
    Path ckpt = dir.resolve("ckpt");
    GoldenProgram p = new GoldenProgram();
    ManualClock clock = new ManualClock(0);
    StreamingContext ssc = StreamingContext.getOrCreate(ckpt.toString(), () -> p.create(clock));
    ssc.start();
    for (int b = 1; b <= BATCHES_IN_FIXTURE; b++) {
      clock.advance(INTERVAL_MS);
      long t = clock.getTimeMillis();
      while (!p.completed.contains(t)) {
        Thread.onSpinWait();
      }
    }
    ssc.stop(false);
    Files.deleteIfExists(ckpt.resolve("LOCK"));
    try (OutputStream out = Files.newOutputStream(Path.of(args[0])); ZipOutputStream zip = new ZipOutputStream(out);
        Stream<Path> files = Files.walk(ckpt)) {
      for (Path f : (Iterable<Path>) files.sorted()::iterator) {
        String name = ckpt.relativize(f).toString();
        if (Files.isDirectory(f)) {
          zip.putNextEntry(new ZipEntry(name.isEmpty() ? "./" : name + "/"));
        } else {
          zip.putNextEntry(new ZipEntry(name));
          Files.copy(f, zip);
        }
        zip.closeEntry();
      }
    }
    System.out.println("wrote " + args[0]);
  }

  private GoldenProgram() {}

  static GoldenProgram fresh() {
    return new GoldenProgram();
  }

  static void unzip(java.io.InputStream in, Path target) throws IOException {
    try (java.util.zip.ZipInputStream zip = new java.util.zip.ZipInputStream(in)) {
      ZipEntry e;
      while ((e = zip.getNextEntry()) != null) {
        Path p = target.resolve(e.getName()).normalize();
        if (!p.startsWith(target)) {
          throw new IOException("zip entry outside the target: " + e.getName());
        }
        if (e.isDirectory()) {
          Files.createDirectories(p);
        } else {
          Files.createDirectories(p.getParent());
          Files.copy(zip, p);
        }
      }
    }
  }
}
