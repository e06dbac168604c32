package io.uji.engine.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Where mapWithState files keys in its time index: spread, never past the batch's threshold. */
class TimeoutFilingTest {
  private static final long TIMEOUT = 60_000;
  private static final long NOW = 1_000_000;

  @Test
  void shouldSpreadKeysSeenInOneBatchOverHalfTheTimeoutSoThatTheyComeDueInSeveralBatches() {
    TimeoutFiling filing = new TimeoutFiling(TIMEOUT);
    int[] perSlot = new int[TimeoutFiling.SLOTS];
    int keys = 100_000;
    for (int k = 0; k < keys; k++) {
      long time = filing.time(NOW, NOW, ("user" + k).hashCode());
      assertTrue(time <= NOW && time > NOW - TIMEOUT / 2, "filed at " + time);
      perSlot[(int) ((NOW - time) / (TIMEOUT / 2 / TimeoutFiling.SLOTS))]++;
    }
    // 2 s batches: the keys of one batch come due over 15 batches, none with more than a
    // tenth of them (an even spread is 1/16 a slot); all in one bucket before.
    for (int n : perSlot) {
      assertTrue(n > keys / 32 && n < keys / 10, "keys per slot " + java.util.Arrays.toString(perSlot));
    }
  }

  @Test
  void shouldFileAKeyIdleForMoreThanHalfTheTimeoutUnderItsLastSeenTimeSoThatItIsExaminedWhenDue() {
    TimeoutFiling filing = new TimeoutFiling(TIMEOUT);
    for (int k = 0; k < 1_000; k++) {
      assertEquals(NOW - TIMEOUT / 2 - 1, filing.time(NOW - TIMEOUT / 2 - 1, NOW, k));
    }
  }

  @Test
  void shouldNeverFileAKeyUnderATimeTheBatchFilingItWouldTakeOutAgain() {
    TimeoutFiling filing = new TimeoutFiling(TIMEOUT);
    long threshold = NOW - TIMEOUT; // the batch at NOW takes out the buckets of times < threshold
    for (long idle = 0; idle <= TIMEOUT; idle += 250) {
      for (int k = 0; k < 200; k++) {
        long time = filing.time(NOW - idle, NOW, k);
        assertTrue(time >= threshold && time <= NOW - idle, "idle " + idle + " filed at " + time);
      }
    }
  }

  @Test
  void shouldDrawANewSlotAtEachFilingOfTheSameKey() {
    TimeoutFiling filing = new TimeoutFiling(TIMEOUT);
    Set<Integer> slots = new HashSet<>();
    for (long seen = NOW; seen < NOW + 100 * 2_000; seen += 2_000) {
      slots.add(filing.slot(seen, seen, "user42".hashCode()));
    }
    assertTrue(slots.size() > TimeoutFiling.SLOTS / 2, "slots " + slots);
  }
}
