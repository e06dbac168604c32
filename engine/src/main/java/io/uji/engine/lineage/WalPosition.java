package io.uji.engine.lineage;

import io.uji.checkpoint.LogPosition;

/**
 * A receiver's position: the last block of its write-ahead log that a batch took. Blocks logged
 * after it were stored ({@code store} returned) but no batch took them yet.
 *
 * @param lastAllocated the last taken block's position
 */
public record WalPosition(LogPosition lastAllocated) implements InputPosition {}
