package io.uji.engine.hooks;

/**
 * A checkpoint that became durable.
 *
 * @param batchTimeMs the time of the batch it holds (its id)
 * @param durationMs from the start of its capture at the batch boundary to its atomic rename
 * @param batchThreadMs the part the batch runner waited for (the capture)
 * @param bytes the size of its files (hard-linked state files included: what restoring reads)
 * @param completedAtMs the wall-clock time it became durable ({@link System#currentTimeMillis()})
 */
public record CheckpointReport(long batchTimeMs, long durationMs, long batchThreadMs, long bytes,
    long completedAtMs) {}
