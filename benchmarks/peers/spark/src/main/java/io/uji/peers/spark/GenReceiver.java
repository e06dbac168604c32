package io.uji.peers.spark;

import io.uji.peers.common.Gen;
import java.util.ArrayList;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.streaming.receiver.Receiver;

/**
 * A receiver that generates the events at a target rate and stores them in blocks of
 * {@code block} records with {@code store(Iterator)}, one block per call: with the receiver
 * write-ahead log on, each call returns once the block is in the WAL and the block manager.
 * Block n is due at start + n * block / rate; the thread sleeps until then.
 */
final class GenReceiver extends Receiver<String> {
  private static final long serialVersionUID = 1L;

  private final long ratePerSec;
  private final int block;
  private final long k;

  GenReceiver(long ratePerSec, int block, long k, StorageLevel level) {
    super(level);
    this.ratePerSec = ratePerSec;
    this.block = block;
    this.k = k;
  }

  @Override
  public void onStart() {
    Thread t = new Thread(this::generate, "gen-receiver");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void onStop() {
    // the generating thread sees isStopped() and ends
  }

  private void generate() {
    long i = 0;
    long blocks = 0;
    final long start = System.nanoTime();
    final double nanosPerBlock = 1e9 * block / (double) ratePerSec;
    try {
      while (!isStopped()) {
        long due = start + (long) (blocks * nanosPerBlock);
        long now = System.nanoTime();
        if (due > now) {
          long wait = due - now;
          Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
        }
        ArrayList<String> buf = new ArrayList<>(block);
        for (int j = 0; j < block; j++) {
          buf.add(Gen.record(i++, k));
        }
        store(buf.iterator());
        blocks++;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) { // Scala code may throw checked exceptions undeclared
      if (!isStopped()) {
        restart("generator failed", e);
      }
    }
  }
}
