package io.uji.recovery;

import io.uji.checkpoint.CrashPoints;
import io.uji.streaming.Dataset;
import io.uji.streaming.Durations;
import io.uji.streaming.Receiver;
import io.uji.streaming.StreamingConfig;
import io.uji.streaming.StreamingContext;
import io.uji.streaming.Time;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A job whose input is a custom {@link Receiver} with a durable source position: record {@code j}
 * is the number {@code j}; the receiver stores blocks {@code [pos, pos + block)} with
 * {@link Receiver#store(List)} and only after it returns acknowledges them by writing
 * {@code pos + block} to {@code <out>/ack} (atomically). After a crash it resumes from the
 * acknowledged position, so a block stored but not yet acknowledged is sent again (allowed: it is
 * recognisable as a repeated whole block); nothing acknowledged may be lost.
 *
 * <p>Arguments {@code key=value}: {@code checkpoint out events block rate batchMs
 * checkpointBatches mode pad}: records are the strings {@code "j"}, or {@code "j|<pad x's>"} to
 * fill write-ahead log segments quickly; mode {@code normal}, {@code failFirstStart} (onStart throws on the
 * first start of each run), {@code unregistered} (stores an unregistered class). When
 * {@code store} fails the error is printed as {@code STORE-FAILED <message>} and the JVM exits 4.
 */
public final class ReceiverJobMain {
  static final int STORE_FAILED_EXIT = 4;

  /** A record type no one registers with Kryo. */
  public static final class Unregistered {
    final long id;

    Unregistered(long id) {
      this.id = id;
    }
  }

  static final class SeqReceiver extends Receiver<Object> {
    private final Path ackFile;
    private final long total;
    private final int block;
    private final String mode;
    private final AtomicBoolean failedOnce = new AtomicBoolean();
    private final String pad;
    private volatile Thread thread;

    SeqReceiver(Path ackFile, long total, int block, String mode, int padChars) {
      this.pad = "x".repeat(padChars);
      this.ackFile = ackFile;
      this.total = total;
      this.block = block;
      this.mode = mode;
    }

    @Override
    public void onStart() {
      if (mode.equals("failFirstStart") && failedOnce.compareAndSet(false, true)) {
        System.out.println("RECEIVER-THROWS");
        throw new IllegalStateException("the source is not reachable yet (test)");
      }
      Thread t = new Thread(this::produce, "seq-receiver");
      t.setDaemon(true);
      thread = t;
      t.start();
    }

    private void produce() {
      long pos = readAck();
      while (pos < total && !isStopped()) {
        List<Object> records = new ArrayList<>();
        for (long j = pos; j < Math.min(total, pos + block); j++) {
          records.add(mode.equals("unregistered") ? new Unregistered(j) : (Object) (pad.isEmpty() ? Long.toString(j) : j + "|" + pad));
        }
        try {
          store(records);
        } catch (RuntimeException e) {
          if (isStopped()) {
            return;
          }
          // The application's choice: a source it cannot store must stop the service (nothing
          // of this block was acknowledged, so a restart sends it again).
          System.out.println("STORE-FAILED " + e);
          e.printStackTrace(System.out);
          System.out.flush();
          Runtime.getRuntime().halt(STORE_FAILED_EXIT);
        }
        CrashPoints.hit("source.before-ack");
        pos += records.size();
        writeAck(pos);
      }
    }

    private long readAck() {
      try {
        return Files.exists(ackFile) ? Long.parseLong(Files.readString(ackFile).trim()) : 0;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private void writeAck(long pos) {
      try {
        Path tmp = ackFile.resolveSibling("ack.tmp");
        Files.writeString(tmp, Long.toString(pos));
        Files.move(tmp, ackFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void onStop() {
      Thread t = thread;
      if (t != null) {
        t.interrupt();
      }
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> a = ChildJobs.arguments(args);
    Path outDir = Path.of(a.get("out"));
    Files.createDirectories(outDir);
    Outputs out = new Outputs(outDir);
    long total = Long.parseLong(a.get("events"));
    int block = Integer.parseInt(a.getOrDefault("block", "10"));
    long batchMs = Long.parseLong(a.getOrDefault("batchMs", "50"));
    int ckptBatches = Integer.parseInt(a.getOrDefault("checkpointBatches", "3"));
    String mode = a.getOrDefault("mode", "normal");
    Set<Long> seen = ConcurrentHashMap.newKeySet();
    for (List<String> l : Outputs.read(outDir, "events").values()) {
      l.forEach(s -> seen.add(Long.parseLong(s)));
    }
    CountDownLatch done = new CountDownLatch(seen.size() == total ? 0 : 1);
    StreamingContext ssc = StreamingContext.getActiveOrCreate(a.get("checkpoint"), () -> {
      StreamingConfig config = StreamingConfig.defaults().withWorkerThreads(2).withDefaultParallelism(2)
          .withCheckpointsRetained(2).withMaxRatePerReceiver(Long.parseLong(a.getOrDefault("rate", "2000")))
          .withReceiverRestartDelay(Durations.milliseconds(100));
      StreamingContext c = new StreamingContext(config, Durations.milliseconds(batchMs));
      c.receiverStream(new SeqReceiver(outDir.resolve("ack"), total, block, mode,
          Integer.parseInt(a.getOrDefault("pad", "0"))))
          .checkpoint(Durations.milliseconds(batchMs * ckptBatches))
          .foreachBatch((Dataset<Object> d, Time t) -> {
            List<Long> l = new ArrayList<>();
            for (Object o : d.collect()) {
              String r = (String) o;
              int bar = r.indexOf('|');
              l.add(Long.parseLong(bar < 0 ? r : r.substring(0, bar)));
            }
            l.sort(null);
            CrashPoints.hit("job.before-output");
            boolean replay = out.write("events", t.milliseconds(), l.stream().map(String::valueOf).toList());
            if (replay) {
              CrashPoints.hit("job.replay-output");
            }
            CrashPoints.hit("job.after-output");
            seen.addAll(l);
            System.out.println("BATCH " + t.milliseconds() + (replay ? " replay" : ""));
            if (seen.size() == total) {
              done.countDown();
            }
          });
      return c;
    });
    ssc.start();
    System.out.println("STARTED");
    while (!done.await(20, TimeUnit.MILLISECONDS)) {
      if (ssc.awaitTerminationOrTimeout(1)) {
        System.out.println("STOPPED before all records were processed");
        System.exit(2);
      }
    }
    System.out.println("TOTAL events=" + seen.size());
    ssc.stop(false);
    System.exit(0);
  }
}
