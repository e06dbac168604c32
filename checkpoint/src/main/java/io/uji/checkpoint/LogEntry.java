package io.uji.checkpoint;

/**
 * One record read back from a {@link SegmentedLog}.
 *
 * @param position where the record starts
 * @param payload the bytes appended (owned by the receiver)
 */
public record LogEntry(LogPosition position, byte[] payload) {}
