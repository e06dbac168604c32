package io.uji.bench;

import io.uji.serde.KryoPool;
import io.uji.serde.KryoRegistry;
import io.uji.serde.KryoSerde;
import io.uji.streaming.BatchInfo;
import io.uji.streaming.Duration;
import io.uji.streaming.Durations;
import io.uji.streaming.Pair;
import io.uji.streaming.Receiver;
import io.uji.streaming.StreamingConfig;
import io.uji.streaming.StreamingContext;
import io.uji.streaming.StreamingListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code receiver-wal} of docs/WORKLOADS.md: a receiver stores the generated records ({@link Gen}) in
 * blocks of {@code --block} (10,000) with {@code store(List)} at {@code --rate} events/s; the
 * context has a checkpoint directory, so every block is appended to the receiver's write-ahead
 * log and forced to disk before {@code store} returns ({@code withWalGroupCommit(0)}: one fsync
 * per block). Batches of 1 s; processing = count ({@code --processing count}) or a running count per
 * user with mapWithState ({@code --processing mapWithState}: 60 s timeout, state checkpointed every
 * {@code --checkpoint-every} batches, Spark's peer's defaults).
 *
 * <p>Like Spark's peer: batches whose time is in the window after the warm-up count; the rate
 * is sustained when no batch in the window waited a whole interval to start
 * (scheduling delay below the interval), at most one batch was still pending at the end, and
 * the window ingested at least 97% of the target.
 *
 * <p>Printed next to it: a plain sequential write + {@code FileChannel.force} per block of the
 * same byte size (a block's Kryo bytes), in the same directory, for a few seconds: the disk's
 * fsync-bound ceiling in blocks/s and its events/s equivalent.
 */
final class ReceiverWalWorkload {
  private ReceiverWalWorkload() {}

  /** Generates event i, i+1, ... at a fixed rate, one {@code store(List)} per block. */
  static final class GenReceiver extends Receiver<String> {
    private final long rate;
    private final int block;
    private final long k;
    final LongAdder stored = new LongAdder();
    final LongAdder storeNanos = new LongAdder();
    private volatile Thread thread;

    GenReceiver(long rate, int block, long k) {
      this.rate = rate;
      this.block = block;
      this.k = k;
    }

    @Override
    public void onStart() {
      Thread t = new Thread(this::loop, "gen-receiver");
      t.setDaemon(true);
      thread = t;
      t.start();
    }

    @Override
    public void onStop() {
      Thread t = thread;
      if (t != null) {
        t.interrupt();
      }
    }

    private void loop() {
      long i = 0;
      long blocks = 0;
      final long start = System.nanoTime();
      final double nanosPerBlock = 1e9 * block / (double) rate;
      try {
        while (!isStopped()) {
          long due = start + (long) (blocks * nanosPerBlock);
          long now = System.nanoTime();
          if (due > now) {
            long sleep = due - now;
            Thread.sleep(sleep / 1_000_000L, (int) (sleep % 1_000_000L));
          }
          List<String> buf = new ArrayList<>(block);
          for (int j = 0; j < block; j++) {
            buf.add(Gen.record(i++, k));
          }
          long s0 = System.nanoTime();
          store(buf);
          storeNanos.add(System.nanoTime() - s0);
          stored.add(block);
          blocks++;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IllegalStateException e) {
        // stopped while storing
      }
    }
  }

  static int run(Bench o, long rate, long durationS, int block, long warmupS) throws Exception {
    final long k = o.k != null ? o.k : 1_000_000L;
    final long intervalMs = o.intervalMs;
    Path dir = Files.createTempDirectory("uji-bench-wal-");
    try {
      // Backpressure bound: room for 3 intervals of input, so it does not throttle a rate the engine keeps up with.
      long buffered = Math.max(1_000_000L, 3 * rate * intervalMs / 1000);
      StreamingConfig config = o.config().withWalGroupCommit(Duration.ofMillis(0)).withReceiverMaxBufferedRecords(buffered);
      StreamingContext ssc = new StreamingContext(config, Durations.milliseconds(intervalMs));
      ssc.checkpoint(dir.toString());
      GenReceiver receiver = new GenReceiver(rate, block, k);
      LongAdder counted = new LongAdder();
      io.uji.streaming.DStream<String> input = ssc.receiverStream(receiver);
      switch (o.processing) {
        case "count" -> input.foreachBatch(d -> counted.add(d.count()));
        case "mapWithState" -> {
          io.uji.streaming.StateSpec<String, Long, Long, Pair<String, Long>> spec =
              io.uji.streaming.StateSpec.<String, Long, Long, Pair<String, Long>>function((user, one, state) -> {
                long c = state.exists() ? state.get() + one.orElse(1L) : one.orElse(1L);
                state.update(c);
                return Pair.of(user, c);
              });
          spec.timeout(Durations.seconds(60)).types(String.class, Long.class).name("receiver-wal-count");
          io.uji.streaming.MapWithStateDStream<String, Long, Long, Pair<String, Long>> mapped =
              input.mapToPair(u -> Pair.of(u, 1L)).mapWithState(spec);
          mapped.checkpoint(Durations.milliseconds(o.checkpointEvery * intervalMs));
          mapped.foreachBatch(d -> counted.add(d.count()));
        }
        default -> throw new IllegalArgumentException("--processing must be count or mapWithState, got " + o.processing);
      }
      List<BatchInfo> infos = new ArrayList<>();
      ssc.addStreamingListener(new StreamingListener() {
        @Override
        public void onBatchCompleted(BatchInfo b) {
          synchronized (infos) {
            infos.add(b);
          }
          if (o.verbose) {
            System.out.printf(Locale.ROOT, "BATCH time=%d records=%d proc_ms=%d sched_ms=%d%n", b.batchTime().milliseconds(),
                b.numRecords(), b.processingDelay(), b.schedulingDelay());
          }
        }
      });
      long gc0 = Stats.gcMillis();
      ssc.start();
      long start = System.currentTimeMillis();
      Thread.sleep(durationS * 1000);
      long lastGenerated = (System.currentTimeMillis() / intervalMs) * intervalMs;
      List<BatchInfo> done;
      synchronized (infos) {
        done = new ArrayList<>(infos);
      }
      long storedAtEnd = receiver.stored.sum();
      long storeNanos = receiver.storeNanos.sum();
      ssc.stop(false);
      long gcMs = Stats.gcMillis() - gc0;
      double rssMb = Stats.peakRssMb();

      long winStart = start + warmupS * 1000;
      long records = 0;
      long nBatches = 0;
      long maxSched = 0;
      long late = 0;
      long lastDone = 0;
      List<Long> procs = new ArrayList<>();
      for (BatchInfo b : done) {
        long t = b.batchTime().milliseconds();
        lastDone = Math.max(lastDone, t);
        if (t <= winStart) {
          continue;
        }
        records += b.numRecords();
        nBatches++;
        maxSched = Math.max(maxSched, b.schedulingDelay());
        if (b.schedulingDelay() >= intervalMs) {
          late++;
        }
        procs.add(b.processingDelay());
      }
      long backlog = Math.max(0, (lastGenerated - lastDone) / intervalMs - 1);
      long[] pr = procs.stream().mapToLong(Long::longValue).sorted().toArray();
      double ingested = nBatches == 0 ? 0 : records / (nBatches * intervalMs / 1000.0);
      boolean sustained = nBatches > 0 && maxSched < intervalMs && backlog <= 1 && ingested >= 0.97 * rate;

      // The same block as bytes (what the WAL appends per block), then the raw disk.
      List<String> sample = new ArrayList<>(block);
      for (int j = 0; j < block; j++) {
        sample.add(Gen.record(j, k));
      }
      @SuppressWarnings("rawtypes")
      KryoSerde<List> serde = new KryoSerde<>(new KryoPool(KryoRegistry.builtinsOnly()), List.class);
      int blockBytes = serde.toBytes(sample).length;
      double[] raw = rawFsync(dir.resolve("raw-fsync.bin"), blockBytes, 5.0);

      System.out.printf(Locale.ROOT,
          "RESULT system=uji workload=receiver-wal variant=%s wal=on fsync=per-block block=%d block_bytes=%d K=%d"
              + " target_eps=%d ingested_eps=%.0f sustained=%s batches_in_window=%d late_batches_in_window=%d"
              + " max_sched_delay_ms=%d median_proc_ms=%.0f p99_proc_ms=%.0f backlog_batches_at_end=%d"
              + " stored_total=%d counted_total=%d avg_store_ms=%.2f interval_ms=%d warmup_s=%d duration_s=%d"
              + " peak_rss_mb=%.0f gc_ms=%d %s raw_fsync_blocks_per_s=%.0f raw_fsync_mb_per_s=%.1f"
              + " raw_fsync_eps_equiv=%.0f raw_fsync_ms_median=%.2f check=%s%n",
          o.processing, block, blockBytes, k, rate, ingested, sustained ? "yes" : "no", nBatches, late, maxSched, Stats.median(pr),
          Stats.percentile(pr, 0.99), backlog, storedAtEnd, counted.sum(),
          storedAtEnd == 0 ? 0.0 : storeNanos / 1e6 / (storedAtEnd / (double) block), intervalMs, warmupS, durationS,
          rssMb, gcMs, Stats.jvmDesc(), raw[0], raw[0] * blockBytes / 1e6, raw[0] * block, raw[1],
          counted.sum() <= storedAtEnd ? "ok" : "FAILED:counted-more-than-stored");
      return 0;
    } finally {
      CheckpointProbe.deleteRecursively(dir);
    }
  }

  /**
   * Sequential appends of {@code blockBytes} bytes, each followed by {@code force(false)}, for
   * {@code seconds}. @return {blocks per second, median ms per write+force}
   */
  static double[] rawFsync(Path file, int blockBytes, double seconds) throws IOException {
    ByteBuffer buf = ByteBuffer.allocateDirect(blockBytes);
    for (int i = 0; i < blockBytes; i++) {
      buf.put((byte) (i * 31));
    }
    List<Long> lat = new ArrayList<>();
    long blocks = 0;
    long t0 = System.nanoTime();
    long end = t0 + (long) (seconds * 1e9);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      while (System.nanoTime() < end) {
        long s = System.nanoTime();
        buf.clear();
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(false);
        lat.add(System.nanoTime() - s);
        blocks++;
      }
    }
    double elapsed = (System.nanoTime() - t0) / 1e9;
    long[] sorted = lat.stream().mapToLong(Long::longValue).sorted().toArray();
    Files.deleteIfExists(file);
    return new double[] {blocks / elapsed, Stats.median(sorted) / 1e6};
  }
}
