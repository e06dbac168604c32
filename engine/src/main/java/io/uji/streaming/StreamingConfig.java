package io.uji.streaming;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of a {@link StreamingContext}. Immutable; start from {@link #defaults()} and change
 * what you need with the {@code with...} methods.
 *
 * @param workerThreads threads of the worker pool that runs a batch's partitions (default: the
 *     machine's cores)
 * @param defaultParallelism partitions of shuffles (reduceByKey, joins, state) when an operator
 *     does not say (default: {@code workerThreads})
 * @param clock the scheduler's time source (default: {@link SystemClock})
 * @param receiverMaxBufferedRecords records one receiver may hold that are stored but whose batch
 *     has not completed yet; {@code store} blocks beyond it (backpressure)
 * @param receiverMaxBlockRecords records per block cut from single-record {@code store(T)} calls
 * @param maxRatePerReceiver records per second one receiver may store; 0 = unlimited
 * @param receiverRestartDelay wait between a receiver's stop and its restart after an error
 * @param stateMemoryBytes the native memory budget of the keyed state (RocksDB block cache and
 *     write buffers together)
 * @param stateCacheEntriesPerPartition hot keys kept deserialized on the heap per state partition
 *     (default: what fits in about an eighth of the maximum heap at ~200 bytes a key, over the
 *     default parallelism, at most 2^20; e.g. ~335 k with {@code -Xmx1g} and 2 cores). Beyond
 *     it the state lives in RocksDB; during a batch the keys it touches come on top
 * @param stateDir where keyed state lives when no checkpoint directory is set (null: a fresh
 *     temporary directory, deleted on stop)
 * @param kryoRegistrations the user's types (class to id, ids from 100 up) that may appear in
 *     keys, state or received records; ids must never change once checkpoints exist
 * @param walGroupCommit zero: the receiver write-ahead log forces every block to disk before
 *     {@code store} returns; positive: blocks that arrive within this bound share one force
 * @param checkpointsRetained completed checkpoints kept on disk (at least 1)
 */
public record StreamingConfig(
    int workerThreads,
    int defaultParallelism,
    Clock clock,
    long receiverMaxBufferedRecords,
    int receiverMaxBlockRecords,
    long maxRatePerReceiver,
    Duration receiverRestartDelay,
    long stateMemoryBytes,
    int stateCacheEntriesPerPartition,
    Path stateDir,
    Map<Class<?>, Integer> kryoRegistrations,
    Duration walGroupCommit,
    int checkpointsRetained) {

  public StreamingConfig {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(receiverRestartDelay, "receiverRestartDelay");
    Objects.requireNonNull(walGroupCommit, "walGroupCommit");
    requirePositive(workerThreads, "workerThreads");
    requirePositive(defaultParallelism, "defaultParallelism");
    requirePositive(receiverMaxBufferedRecords, "receiverMaxBufferedRecords");
    requirePositive(receiverMaxBlockRecords, "receiverMaxBlockRecords");
    requirePositive(stateMemoryBytes, "stateMemoryBytes");
    requirePositive(stateCacheEntriesPerPartition, "stateCacheEntriesPerPartition");
    requirePositive(checkpointsRetained, "checkpointsRetained");
    if (maxRatePerReceiver < 0) {
      throw new IllegalArgumentException("maxRatePerReceiver must be >= 0 (0 = unlimited), got " + maxRatePerReceiver);
    }
    if (receiverRestartDelay.milliseconds() < 0 || walGroupCommit.milliseconds() < 0) {
      throw new IllegalArgumentException("receiverRestartDelay and walGroupCommit must not be negative");
    }
    kryoRegistrations = Map.copyOf(kryoRegistrations);
  }

  private static void requirePositive(long v, String name) {
    if (v <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + v);
    }
  }

  /** @return the defaults described on each component */
  public static StreamingConfig defaults() {
    int cores = Runtime.getRuntime().availableProcessors();
    return new StreamingConfig(cores, cores, SystemClock.INSTANCE, 1_000_000, 10_000, 0,
        Durations.seconds(2), 256L << 20, defaultStateCacheEntries(cores), null, Map.of(), Duration.ofMillis(0), 3);
  }

  /**
   * A cache bound the heap can hold: a cached key costs ~130 bytes (the key and state objects and
   * the cache's array slots); a third of the heap leaves room for the batch's records and for the
   * keys a batch adds on top of the bound until it ends. (Measured: 1 M users cached in a 400 MB
   * heap run without full collections.)
   */
  private static int defaultStateCacheEntries(int partitions) {
    long perPartition = Runtime.getRuntime().maxMemory() / 3 / 130 / Math.max(1, partitions);
    return (int) Math.max(4096, Math.min(1 << 20, perPartition));
  }

  public StreamingConfig withWorkerThreads(int n) {
    return new StreamingConfig(n, defaultParallelism == workerThreads ? n : defaultParallelism, clock,
        receiverMaxBufferedRecords, receiverMaxBlockRecords, maxRatePerReceiver, receiverRestartDelay,
        stateMemoryBytes, stateCacheEntriesPerPartition, stateDir, kryoRegistrations, walGroupCommit,
        checkpointsRetained);
  }

  public StreamingConfig withDefaultParallelism(int n) {
    return new StreamingConfig(workerThreads, n, clock, receiverMaxBufferedRecords, receiverMaxBlockRecords,
        maxRatePerReceiver, receiverRestartDelay, stateMemoryBytes, stateCacheEntriesPerPartition, stateDir,
        kryoRegistrations, walGroupCommit, checkpointsRetained);
  }

  public StreamingConfig withClock(Clock c) {
    return new StreamingConfig(workerThreads, defaultParallelism, c, receiverMaxBufferedRecords,
        receiverMaxBlockRecords, maxRatePerReceiver, receiverRestartDelay, stateMemoryBytes,
        stateCacheEntriesPerPartition, stateDir, kryoRegistrations, walGroupCommit, checkpointsRetained);
  }

  public StreamingConfig withReceiverMaxBufferedRecords(long n) {
    return new StreamingConfig(workerThreads, defaultParallelism, clock, n, receiverMaxBlockRecords,
        maxRatePerReceiver, receiverRestartDelay, stateMemoryBytes, stateCacheEntriesPerPartition, stateDir,
        kryoRegistrations, walGroupCommit, checkpointsRetained);
  }

  public StreamingConfig withReceiverMaxBlockRecords(int n) {
    return new StreamingConfig(workerThreads, defaultParallelism, clock, receiverMaxBufferedRecords, n,
        maxRatePerReceiver, receiverRestartDelay, stateMemoryBytes, stateCacheEntriesPerPartition, stateDir,
        kryoRegistrations, walGroupCommit, checkpointsRetained);
  }

  public StreamingConfig withMaxRatePerReceiver(long recordsPerSecond) {
    return new StreamingConfig(workerThreads, defaultParallelism, clock, receiverMaxBufferedRecords,
        receiverMaxBlockRecords, recordsPerSecond, receiverRestartDelay, stateMemoryBytes,
        stateCacheEntriesPerPartition, stateDir, kryoRegistrations, walGroupCommit, checkpointsRetained);
  }

  public StreamingConfig withReceiverRestartDelay(Duration d) {
    return new StreamingConfig(workerThreads, defaultParallelism, clock, receiverMaxBufferedRecords,
        receiverMaxBlockRecords, maxRatePerReceiver, d, stateMemoryBytes, stateCacheEntriesPerPartition, stateDir,
        kryoRegistrations, walGroupCommit, checkpointsRetained);
  }

  public StreamingConfig withStateMemoryBytes(long bytes) {
    return new StreamingConfig(workerThreads, defaultParallelism, clock, receiverMaxBufferedRecords,
        receiverMaxBlockRecords, maxRatePerReceiver, receiverRestartDelay, bytes, stateCacheEntriesPerPartition,
        stateDir, kryoRegistrations, walGroupCommit, checkpointsRetained);
  }

  public StreamingConfig withStateCacheEntriesPerPartition(int n) {
    return new StreamingConfig(workerThreads, defaultParallelism, clock, receiverMaxBufferedRecords,
        receiverMaxBlockRecords, maxRatePerReceiver, receiverRestartDelay, stateMemoryBytes, n, stateDir,
        kryoRegistrations, walGroupCommit, checkpointsRetained);
  }

  public StreamingConfig withStateDir(Path dir) {
    return new StreamingConfig(workerThreads, defaultParallelism, clock, receiverMaxBufferedRecords,
        receiverMaxBlockRecords, maxRatePerReceiver, receiverRestartDelay, stateMemoryBytes,
        stateCacheEntriesPerPartition, dir, kryoRegistrations, walGroupCommit, checkpointsRetained);
  }

  /**
   * Registers a user type for serialization (keys, state, records of receivers with a
   * write-ahead log). Ids start at 100 and must stay the same across versions of the program.
   */
  public StreamingConfig withKryoRegistration(Class<?> type, int id) {
    Map<Class<?>, Integer> m = new LinkedHashMap<>(kryoRegistrations);
    m.put(type, id);
    return new StreamingConfig(workerThreads, defaultParallelism, clock, receiverMaxBufferedRecords,
        receiverMaxBlockRecords, maxRatePerReceiver, receiverRestartDelay, stateMemoryBytes,
        stateCacheEntriesPerPartition, stateDir, m, walGroupCommit, checkpointsRetained);
  }

  public StreamingConfig withWalGroupCommit(Duration bound) {
    return new StreamingConfig(workerThreads, defaultParallelism, clock, receiverMaxBufferedRecords,
        receiverMaxBlockRecords, maxRatePerReceiver, receiverRestartDelay, stateMemoryBytes,
        stateCacheEntriesPerPartition, stateDir, kryoRegistrations, bound, checkpointsRetained);
  }

  public StreamingConfig withCheckpointsRetained(int n) {
    return new StreamingConfig(workerThreads, defaultParallelism, clock, receiverMaxBufferedRecords,
        receiverMaxBlockRecords, maxRatePerReceiver, receiverRestartDelay, stateMemoryBytes,
        stateCacheEntriesPerPartition, stateDir, kryoRegistrations, walGroupCommit, n);
  }
}
