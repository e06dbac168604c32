package io.uji.engine.input;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How many records a replayable source's next batch takes, before the per-partition limit. */
class BatchBudgetTest {

  @Test
  void beforeAnyEstimateABatchTakesTheInitialRateOfEveryPartitionForOneInterval() {
    assertEquals(2 * 250_000 * 2.0, RangeBudget.batchBudget(true, -1, 250_000, 2, 2.0));
  }

  @Test
  void aSourceWithNoPartitionYetIsBudgetedAsOnePartition() {
    assertEquals(10_000 * 0.5, RangeBudget.batchBudget(true, -1, 10_000, 0, 0.5));
  }

  @Test
  void onceEstimatedTheRateDecidesWhateverTheInitialRate() {
    assertEquals(300_000 * 2.0, RangeBudget.batchBudget(true, 300_000, 10_000, 2, 2.0));
    assertEquals(0.0, RangeBudget.batchBudget(true, 0, 10_000, 2, 2.0));
  }

  @Test
  void anInitialRateOfZeroLeavesTheFirstBatchesUnbounded() {
    assertEquals(Double.POSITIVE_INFINITY, RangeBudget.batchBudget(true, -1, 0, 2, 2.0));
  }

  @Test
  void withoutBackpressureNoBatchIsBoundedByIt() {
    assertEquals(Double.POSITIVE_INFINITY, RangeBudget.batchBudget(false, -1, 10_000, 2, 2.0));
    assertEquals(Double.POSITIVE_INFINITY, RangeBudget.batchBudget(false, 300_000, 10_000, 2, 2.0));
  }
}
