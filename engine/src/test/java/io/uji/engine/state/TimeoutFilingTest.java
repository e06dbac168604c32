package io.uji.engine.state;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Where mapWithState files a new key in its time index: spread over half the timeout, never later. */
class TimeoutFilingTest {
  private static final long TIMEOUT = 60_000;
  private static final long NOW = 1_000_000;

  @Test
  void shouldSpreadTheKeysCreatedInOneBatchOverHalfTheTimeoutSoThatTheyComeDueInSeveralBatches() {
    TimeoutFiling filing = new TimeoutFiling(TIMEOUT);
    int[] perSlot = new int[TimeoutFiling.SLOTS];
    int keys = 100_000;
    for (int k = 0; k < keys; k++) {
      long time = filing.time(NOW, filing.slot(NOW, ("user" + k).hashCode()));
      // Never after the batch (the key would time out late), never half a timeout before it.
      assertTrue(time <= NOW && time > NOW - TIMEOUT / 2, "filed at " + time);
      perSlot[(int) ((NOW - time) / (TIMEOUT / 2 / TimeoutFiling.SLOTS))]++;
    }
    // With 2 s batches the keys of one batch come due over 15 batches, none with more than a
    // tenth of them (an even spread is 1/16 a slot); all in one batch before.
    for (int n : perSlot) {
      assertTrue(n > keys / 32 && n < keys / 10, "keys per slot " + Arrays.toString(perSlot));
    }
  }

  @Test
  void shouldDrawANewSlotForAKeyCreatedAgainInAnotherBatch() {
    TimeoutFiling filing = new TimeoutFiling(TIMEOUT);
    Set<Integer> slots = new HashSet<>();
    for (long now = NOW; now < NOW + 100 * 2_000; now += 2_000) {
      slots.add(filing.slot(now, "user42".hashCode()));
    }
    assertTrue(slots.size() > TimeoutFiling.SLOTS / 2, "slots " + slots);
  }

  @Test
  void shouldFileUnderTheBatchTimeWhenTheTimeoutIsTooShortToSpread() {
    TimeoutFiling filing = new TimeoutFiling(TimeoutFiling.SLOTS * 2 - 1);
    for (int k = 0; k < 1_000; k++) {
      assertTrue(filing.time(NOW, filing.slot(NOW, k)) == NOW);
    }
  }
}
