package io.uji.engine.receiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The limiter's arithmetic on a fake time source: each park moves the time by what it asked. */
class RateLimiterTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  /** Starts at an arbitrary origin; parking advances the time and counts the parks. */
  static final class FakeTicker implements Ticker {
    long now = 123_456_789L;
    int parks;

    @Override
    public long nanoTime() {
      return now;
    }

    @Override
    public void park(long nanos) {
      parks++;
      now += nanos;
    }
  }

  private final FakeTicker ticker = new FakeTicker();

  private long elapsedWhile(Runnable r) {
    long start = ticker.now;
    r.run();
    return ticker.now - start;
  }

  @Test
  void singleRecordsAreSpacedOneSlotApart() {
    RateLimiter limiter = new RateLimiter(100, ticker);
    // The first record takes the current slot; each of the next 99 waits 10 ms more.
    long elapsed = elapsedWhile(() -> {
      for (int i = 0; i < 100; i++) {
        limiter.acquire(1, () -> false);
      }
    });
    assertEquals(990 * MS, elapsed);
  }

  @Test
  void aBlockReservesASlotPerRecordAndTheNextCallWaitsForThem() {
    RateLimiter limiter = new RateLimiter(1000, ticker);
    assertEquals(0, elapsedWhile(() -> limiter.acquire(500, () -> false)));
    assertEquals(500 * MS, elapsedWhile(() -> limiter.acquire(1, () -> false)));
  }

  @Test
  void anIdleLimiterBuildsUpNoCredit() {
    RateLimiter limiter = new RateLimiter(10, ticker);
    limiter.acquire(1, () -> false);
    ticker.now += TimeUnit.SECONDS.toNanos(10);
    assertEquals(0, elapsedWhile(() -> limiter.acquire(1, () -> false)));
    assertEquals(100 * MS, elapsedWhile(() -> limiter.acquire(1, () -> false)));
  }

  @Test
  void aZeroRateNeverWaits() {
    RateLimiter limiter = new RateLimiter(0, ticker);
    limiter.acquire(1_000_000, () -> false);
    limiter.acquire(1_000_000, () -> false);
    assertEquals(0, ticker.parks);
  }

  @Test
  void aCancelledWaitEndsAfterOneParkOfAtMost50Ms() {
    RateLimiter limiter = new RateLimiter(1, ticker);
    limiter.acquire(1, () -> false);
    long elapsed = elapsedWhile(() -> limiter.acquire(1, () -> ticker.parks > 0));
    assertEquals(50 * MS, elapsed);
    assertEquals(1, ticker.parks);
  }

  @Test
  void anInterruptedThreadStopsWaiting() {
    RateLimiter limiter = new RateLimiter(1, ticker);
    limiter.acquire(1, () -> false);
    Thread.currentThread().interrupt();
    try {
      assertEquals(0, elapsedWhile(() -> limiter.acquire(1, () -> false)));
    } finally {
      assertTrue(Thread.interrupted());
    }
  }
}
