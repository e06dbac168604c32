package io.uji.engine.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.checkpoint.LogPosition;
import io.uji.engine.lineage.InputLineage;
import io.uji.engine.lineage.LegacyWalLineage;
import io.uji.engine.lineage.WalLineage;
import io.uji.serde.KryoPool;
import io.uji.serde.KryoSerde;
import io.uji.streaming.BatchInfo;
import io.uji.streaming.Durations;
import io.uji.streaming.ManualClock;
import io.uji.streaming.Receiver;
import io.uji.streaming.StreamingConfig;
import io.uji.streaming.StreamingContext;
import io.uji.streaming.StreamingException;
import io.uji.streaming.StreamingListener;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A receiver's write-ahead log block that a logged batch took was acknowledged and forced: damage
 * to it is never truncated as a torn write; the start fails once, saying which batch and how
 * many of the receiver's records are lost.
 */
class WalDamageTest {
  private static final long INTERVAL = 1000;

  @TempDir Path tmp;
  private final ManualClock clock = new ManualClock(0);
  private final Set<Long> completed = ConcurrentHashMap.newKeySet();
  private final AtomicLong received = new AtomicLong();

  /** Stores {@code blocks} blocks of 10 numbers, then nothing more. */
  static final class BlocksReceiver extends Receiver<Long> {
    private final int blocks;

    BlocksReceiver(int blocks) {
      this.blocks = blocks;
    }

    @Override
    public String name() {
      return "numbers";
    }

    @Override
    public void onStart() {
      Thread t = new Thread(() -> {
        for (int b = 0; b < blocks && !isStopped(); b++) {
          List<Long> block = new ArrayList<>();
          for (long i = 0; i < 10; i++) {
            block.add(b * 10L + i);
          }
          store(block);
        }
      });
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void onStop() {}
  }

  private StreamingContext program(int blocks) {
    StreamingConfig cfg = StreamingConfig.defaults().withClock(clock).withWorkerThreads(2);
    StreamingContext ssc = new StreamingContext(cfg, Durations.milliseconds(INTERVAL));
    ssc.receiverStream(new BlocksReceiver(blocks)).foreachBatch((d, t) -> received.addAndGet(d.count()));
    ssc.addStreamingListener(new StreamingListener() {
      @Override
      public void onBatchCompleted(BatchInfo b) {
        completed.add(b.batchTime().milliseconds());
      }
    });
    return ssc;
  }

  /** Runs until the receiver's 5 blocks were all taken by completed batches; no checkpoint yet. */
  private Path runAllBlocks() {
    Path dir = tmp.resolve("ckpt");
    StreamingContext ssc = StreamingContext.getOrCreate(dir.toString(), () -> program(5));
    ssc.start();
    while (received.get() < 50) {
      clock.advance(INTERVAL);
      long t = clock.getTimeMillis();
      await().atMost(Duration.ofSeconds(30)).until(() -> completed.contains(t));
    }
    ssc.stop(false);
    return dir;
  }

  private static Path lastSegment(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir.resolve("wal/input-0"))) {
      return s.filter(p -> p.toString().endsWith(".log")).sorted().reduce((a, b) -> b).orElseThrow();
    }
  }

  @Test
  void aCutInABlockThatABatchTookStopsTheStartNamingTheBatchAndTheRecordsLost() throws IOException {
    Path dir = runAllBlocks();
    Path segment = lastSegment(dir);
    long size = Files.size(segment);
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      ch.truncate(size - 5);
    }
    StreamingContext again = StreamingContext.getOrCreate(dir.toString(), () -> program(0));
    StreamingException e = assertThrows(StreamingException.class, again::start);
    assertTrue(e.getMessage().contains("receiver 'numbers'") && e.getMessage().contains("10 records")
        && e.getMessage().contains("cannot be replayed"), e.getMessage());
    assertEquals(size - 5, Files.size(segment), "the damaged log is left as it was, for inspection");
  }

  @Test
  void aFlippedBitInAnEarlierBlockIsReportedTheSameWay() throws IOException {
    Path dir = runAllBlocks();
    Path segment = lastSegment(dir);
    byte[] b = Files.readAllBytes(segment);
    b[60] ^= 0x08; // inside the first block's payload
    Files.write(segment, b);
    StreamingContext again = StreamingContext.getOrCreate(dir.toString(), () -> program(0));
    StreamingException e = assertThrows(StreamingException.class, again::start);
    assertTrue(e.getMessage().contains("records") && e.getMessage().contains("lost"), e.getMessage());
  }

  @Test
  void lineageWrittenBeforeRecordCountsIsReadWithUnknownCounts() {
    KryoPool kryo = new KryoPool(EngineSerialization.registry(StreamingConfig.defaults()));
    KryoSerde<BatchRecord> serde = new KryoSerde<>(kryo, BatchRecord.class);
    List<LogPosition> positions = List.of(new LogPosition(0, 40), new LogPosition(0, 90));
    BatchRecord old = new BatchRecord(3, 3000, 0, Arrays.<InputLineage>asList(new LegacyWalLineage(positions), null));
    BatchRecord read = serde.fromBytes(serde.toBytes(old)).upgrade();
    assertEquals(new WalLineage(positions, List.of(-1, -1)), read.inputs().get(0));
    assertEquals(null, read.inputs().get(1));
  }
}
