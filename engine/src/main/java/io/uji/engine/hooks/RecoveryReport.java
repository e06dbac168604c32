package io.uji.engine.hooks;

/**
 * How a start resumed a checkpoint directory that held something.
 *
 * @param checkpointBatchTimeMs the batch time of the checkpoint restored, or -1 when none was
 *     usable and everything logged is replayed
 * @param batchesReplayed logged batches queued to run again
 * @param durationMs from the start of recovery to the replay being queued (checks, verification,
 *     state restore and preload)
 * @param completedAtMs the wall-clock time it finished ({@link System#currentTimeMillis()})
 */
public record RecoveryReport(long checkpointBatchTimeMs, int batchesReplayed, long durationMs, long completedAtMs) {}
