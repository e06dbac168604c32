package io.uji.engine.receiver;

import java.util.List;

/**
 * A block of received records.
 *
 * @param records the records, never changed after the block is cut
 * @param position where the write-ahead log holds it, or null
 * @param permits backpressure permits the block holds until its batch completes
 */
public record Block<T>(List<T> records, Object position, int permits) {}
