package io.uji.engine.receiver;

import io.uji.checkpoint.LogPosition;
import java.util.List;

/**
 * A block of received records.
 *
 * @param records the records, never changed after the block is cut
 * @param position where the write-ahead log holds it, or null without one
 * @param permits backpressure permits the block holds until its batch completes
 */
public record Block<T>(List<T> records, LogPosition position, int permits) {}
