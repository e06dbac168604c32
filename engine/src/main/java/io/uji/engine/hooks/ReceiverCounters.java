package io.uji.engine.hooks;

/**
 * What a receiver's supervisor counts as it goes (monotonic since start).
 *
 * @param storedRecords records stored (in blocks that {@code store} returned for)
 * @param storedBlocks blocks stored
 * @param blockedCount times a {@code store} call had to wait for permits (backpressure)
 * @param blockedNanos the total time {@code store} calls waited for permits
 */
public record ReceiverCounters(long storedRecords, long storedBlocks, long blockedCount, long blockedNanos) {}
