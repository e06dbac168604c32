package io.uji.engine.receiver;

/**
 * How a receiver's supervisor buffers, limits and restarts it (from the context's configuration).
 *
 * @param maxBufferedRecords records the receiver may hold stored but whose batch has not
 *     completed yet; {@code store} blocks beyond it (backpressure)
 * @param maxBlockRecords records per block cut from single-record {@code store(T)} calls
 * @param maxRatePerSecond records per second it may store; 0 = unlimited
 * @param restartDelayMs wait between a stop and the restart after an error
 * @param maxRestarts restarts in a row, without a record stored in between, after which the
 *     receiver is stopped and the context with it
 */
public record ReceiverSettings(long maxBufferedRecords, int maxBlockRecords, long maxRatePerSecond,
    long restartDelayMs, int maxRestarts) {}
