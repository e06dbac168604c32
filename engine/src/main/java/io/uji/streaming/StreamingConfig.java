package io.uji.streaming;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of a {@link StreamingContext}. Immutable; build one with {@link #builder()} (or take
 * {@link #defaults()}), and derive another from it with {@link #toBuilder()} or, for one
 * setting, a {@code with...} method:
 *
 * <pre>{@code
 * StreamingConfig config = StreamingConfig.builder()
 *     .workerThreads(4)
 *     .stateMemoryBytes(512L << 20)
 *     .kryoRegistration(Click.class, 100)
 *     .build();
 * }</pre>
 *
 * @param workerThreads threads of the worker pool that runs a batch's partitions (default: the
 *     machine's cores)
 * @param defaultParallelism partitions of shuffles (reduceByKey, joins, state) when an operator
 *     does not say (default: {@code workerThreads})
 * @param clock the scheduler's time source (default: {@link SystemClock})
 * @param receiverMaxBufferedRecords records one receiver may hold that are stored but whose batch
 *     has not completed yet; {@code store} blocks beyond it (backpressure; default 1,000,000)
 * @param receiverMaxBlockRecords records per block cut from single-record {@code store(T)} calls
 *     (default 10,000)
 * @param maxRatePerReceiver records per second one receiver may store; 0 = unlimited (the default)
 * @param receiverRestartDelay wait between a receiver's stop and its restart after an error
 *     (default 2 s)
 * @param stateMemoryBytes the native memory budget of the keyed state (RocksDB block cache and
 *     write buffers together; default 256 MiB)
 * @param stateCacheEntriesPerPartition hot keys kept (serialized) on the heap per state partition
 *     (default: what fits in about a third of the maximum heap at ~80 bytes a key, over the
 *     default parallelism, at least 4,096 and at most 2^24; e.g. ~560 k with {@code -Xmx256m}
 *     and 2 partitions, ~2.2 M with {@code -Xmx1g}). Beyond it the state lives in RocksDB;
 *     during a batch the keys it touches come on top
 * @param stateDir where keyed state lives when no checkpoint directory is set (null, the
 *     default: a fresh temporary directory, deleted on stop)
 * @param kryoRegistrations the user's types (class to id, ids from 100 up) that may appear in
 *     keys, state or received records; ids must never change once checkpoints exist (default:
 *     none)
 * @param walGroupCommit zero (the default): the receiver write-ahead log forces every block to
 *     disk before {@code store} returns; positive: blocks that arrive within this bound share
 *     one force
 * @param checkpointsRetained completed checkpoints kept on disk (at least 1; default 3)
 * @param statusAddress where the status page listens (null, the default: no page). The page
 *     needs the {@code uji-status} module on the class path; {@link #withStatusPort(int)} binds
 *     it to 127.0.0.1 only, so that it is not reachable from other machines unless an address
 *     says so; port 0 takes any free port ({@link StreamingContext#statusUri()} tells which)
 * @param sqlLimits what one query of {@link StreamingContext#sql} or of the status page may use
 *     (default {@link SqlLimits#defaults()})
 * @param logSegmentBytes the size at which the write-ahead logs and the lineage log start a new
 *     segment file (default 64 MiB); old segments are deleted whole once no retained checkpoint
 *     needs them, so smaller segments free disk space sooner
 * @param receiverMaxRestarts restarts in a row a receiver may ask for (by {@code restart}, or by
 *     failing in {@code onStart}) without storing a record in between; at the next one it is
 *     stopped for good and the context stops with an error naming it (default 30: a minute at the
 *     default restart delay; 0: the first restart request stops the context). Restarts are logged
 *     at WARN with their cause, at most one line per 10 seconds per receiver
 * @param stopGracefullyOnShutdown true: {@code start()} installs a JVM shutdown hook that stops
 *     the context gracefully ({@code stop(true)}: the received data is processed and a final
 *     checkpoint taken), so a SIGTERM (a deploy, {@code docker stop}, Kubernetes) leaves nothing
 *     to replay; {@code stop} removes it. Spark's {@code spark.streaming.stopGracefullyOnShutdown}
 *     (default false: a SIGTERM ends the JVM as a crash would, and the next start recovers)
 * @param allowNonRestoredState true: a start whose checkpoint holds the state of stateful
 *     operators that the program no longer has (removed, or renamed without {@code
 *     .formerly(...)}) drops that state, with a warning naming each operator, instead of refusing
 *     to start; the program's operators that have no state in the checkpoint start empty (Flink's
 *     {@code allowNonRestoredState}; default false: refused, naming the operators)
 * @param stateKeyGroups into how many key groups a new stateful operator's state is split
 *     (default 128; at most 65535): a key's group is fixed by its hash, and each worker handles a
 *     range of groups, so the state does not depend on the number of cores and a restart with
 *     another parallelism takes the same state (Flink's maximum parallelism). The state of an
 *     operator keeps the number of groups it was created with (it is recorded with it; state
 *     written before key groups existed keeps its partitions as groups); the parallelism of an
 *     operator's processing is at most its number of groups
 * @param stateCompaction RocksDB's compaction style for the keyed state (default {@link
 *     StateCompaction#LEVELED}; {@link StateCompaction#UNIVERSAL} rewrites keys fewer times, for
 *     state far larger than the heap cache, at the cost of disk space; see docs/PERFORMANCE.md)
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
    int checkpointsRetained,
    long logSegmentBytes,
    int receiverMaxRestarts,
    boolean stopGracefullyOnShutdown,
    boolean allowNonRestoredState,
    InetSocketAddress statusAddress,
    SqlLimits sqlLimits,
    int stateKeyGroups,
    StateCompaction stateCompaction) {

  /**
   * Checks and holds the settings; {@link #builder()} is the usual way to make one, as it fills
   * in the defaults.
   *
   * @throws NullPointerException if {@code clock}, {@code receiverRestartDelay}, {@code
   *     walGroupCommit}, {@code sqlLimits} or {@code stateCompaction} is null
   * @throws IllegalArgumentException if a count, size or budget is not positive, a rate, delay,
   *     bound or restart limit is negative, {@code logSegmentBytes} is below 256, or {@code
   *     stateKeyGroups} is not in [1, 65535]
   */
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
    Objects.requireNonNull(sqlLimits, "sqlLimits");
    Objects.requireNonNull(stateCompaction, "stateCompaction");
    if (logSegmentBytes < 256) {
      throw new IllegalArgumentException("logSegmentBytes must be at least 256, got " + logSegmentBytes);
    }
    if (maxRatePerReceiver < 0) {
      throw new IllegalArgumentException("maxRatePerReceiver must be >= 0 (0 = unlimited), got " + maxRatePerReceiver);
    }
    if (receiverRestartDelay.milliseconds() < 0 || walGroupCommit.milliseconds() < 0) {
      throw new IllegalArgumentException("receiverRestartDelay and walGroupCommit must not be negative");
    }
    if (stateKeyGroups < 1 || stateKeyGroups > 65535) {
      throw new IllegalArgumentException("stateKeyGroups must be in [1, 65535], got " + stateKeyGroups);
    }
    if (receiverMaxRestarts < 0) {
      throw new IllegalArgumentException("receiverMaxRestarts must be >= 0, got " + receiverMaxRestarts);
    }
    kryoRegistrations = Map.copyOf(kryoRegistrations);
  }

  private static void requirePositive(long v, String name) {
    if (v <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + v);
    }
  }

  /** @return the defaults described on each component ({@code builder().build()}) */
  public static StreamingConfig defaults() {
    return builder().build();
  }

  /** @return a builder holding the defaults */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * @return a builder holding this configuration's settings; a default parallelism equal to the
   *     worker threads keeps following them, as it does by default
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  // One-line shortcuts for changing one setting: config.withX(v) is config.toBuilder().x(v).build().

  /**
   * A copy of this configuration with another {@link #workerThreads() workerThreads}: the threads
   * that run a batch's partitions.
   *
   * @param n the new value
   * @return the new configuration; this one is unchanged
   * @throws IllegalArgumentException if {@code n} is not positive
   */
  public StreamingConfig withWorkerThreads(int n) {
    return toBuilder().workerThreads(n).build();
  }

  /**
   * A copy of this configuration with another {@link #defaultParallelism() defaultParallelism}: the
   * partitions of shuffles and keyed state when an operator does not say.
   *
   * @param n the new value
   * @return the new configuration; this one is unchanged
   * @throws IllegalArgumentException if {@code n} is not positive
   */
  public StreamingConfig withDefaultParallelism(int n) {
    return toBuilder().defaultParallelism(n).build();
  }

  /**
   * A copy of this configuration with another {@link #clock() clock}: the scheduler's time source
   * ({@link ManualClock} in tests).
   *
   * @param c the new value
   * @return the new configuration; this one is unchanged
   * @throws NullPointerException if {@code c} is null
   */
  public StreamingConfig withClock(Clock c) {
    return toBuilder().clock(c).build();
  }

  /**
   * A copy of this configuration with another {@link #receiverMaxBufferedRecords()
   * receiverMaxBufferedRecords}: the records one receiver may hold before {@code store} blocks
   * (backpressure).
   *
   * @param n the new value
   * @return the new configuration; this one is unchanged
   * @throws IllegalArgumentException if {@code n} is not positive
   */
  public StreamingConfig withReceiverMaxBufferedRecords(long n) {
    return toBuilder().receiverMaxBufferedRecords(n).build();
  }

  /**
   * A copy of this configuration with another {@link #receiverMaxBlockRecords()
   * receiverMaxBlockRecords}: the records per block cut from single-record stores.
   *
   * @param n the new value
   * @return the new configuration; this one is unchanged
   * @throws IllegalArgumentException if {@code n} is not positive
   */
  public StreamingConfig withReceiverMaxBlockRecords(int n) {
    return toBuilder().receiverMaxBlockRecords(n).build();
  }

  /**
   * A copy of this configuration with another {@link #maxRatePerReceiver() maxRatePerReceiver}:
   * records per second one receiver may store, 0 for unlimited (Spark's {@code
   * spark.streaming.receiver.maxRate}).
   *
   * @param recordsPerSecond the new value
   * @return the new configuration; this one is unchanged
   * @throws IllegalArgumentException if {@code recordsPerSecond} is negative
   */
  public StreamingConfig withMaxRatePerReceiver(long recordsPerSecond) {
    return toBuilder().maxRatePerReceiver(recordsPerSecond).build();
  }

  /**
   * A copy of this configuration with another {@link #receiverRestartDelay() receiverRestartDelay}:
   * the wait between a receiver's stop and its restart after an error.
   *
   * @param d the new value
   * @return the new configuration; this one is unchanged
   * @throws IllegalArgumentException if {@code d} is negative
   */
  public StreamingConfig withReceiverRestartDelay(Duration d) {
    return toBuilder().receiverRestartDelay(d).build();
  }

  /** As {@link #withReceiverRestartDelay(Duration)}. */
  public StreamingConfig withReceiverRestartDelay(java.time.Duration d) {
    return toBuilder().receiverRestartDelay(d).build();
  }

  /**
   * A copy of this configuration with another {@link #stateMemoryBytes() stateMemoryBytes}: the
   * native memory budget of the keyed state (RocksDB block cache and write buffers).
   *
   * @param bytes the new value
   * @return the new configuration; this one is unchanged
   * @throws IllegalArgumentException if {@code bytes} is not positive
   */
  public StreamingConfig withStateMemoryBytes(long bytes) {
    return toBuilder().stateMemoryBytes(bytes).build();
  }

  /**
   * A copy of this configuration with another {@link #stateCacheEntriesPerPartition()
   * stateCacheEntriesPerPartition}: the hot keys kept deserialized on the heap per state partition.
   *
   * @param n the new value
   * @return the new configuration; this one is unchanged
   * @throws IllegalArgumentException if {@code n} is not positive
   */
  public StreamingConfig withStateCacheEntriesPerPartition(int n) {
    return toBuilder().stateCacheEntriesPerPartition(n).build();
  }

  /**
   * A copy of this configuration with another {@link #stateCompaction() stateCompaction}.
   *
   * @param style the new value
   * @return the new configuration; this one is unchanged
   * @throws NullPointerException if {@code style} is null
   */
  public StreamingConfig withStateCompaction(StateCompaction style) {
    return toBuilder().stateCompaction(style).build();
  }

  /**
   * A copy of this configuration with another {@link #stateDir() stateDir}: where keyed state
   * lives when no checkpoint directory is set.
   *
   * @param dir the directory, or null for a fresh temporary one deleted on stop
   * @return the new configuration; this one is unchanged
   */
  public StreamingConfig withStateDir(Path dir) {
    return toBuilder().stateDir(dir).build();
  }

  /** As {@link Builder#kryoRegistration(Class, int)}. */
  public StreamingConfig withKryoRegistration(Class<?> type, int id) {
    return toBuilder().kryoRegistration(type, id).build();
  }

  /**
   * A copy of this configuration with another {@link #walGroupCommit() walGroupCommit}: zero
   * forces each write-ahead log block to disk before {@code store} returns; a positive bound
   * lets the blocks that arrive within it share one force (more throughput, and a record is
   * acknowledged by {@code store} only once it is on disk either way).
   *
   * @param bound the group commit bound, zero or positive
   * @return the new configuration; this one is unchanged
   * @throws IllegalArgumentException if {@code bound} is negative
   */
  public StreamingConfig withWalGroupCommit(Duration bound) {
    return toBuilder().walGroupCommit(bound).build();
  }

  /** As {@link #withWalGroupCommit(Duration)}. */
  public StreamingConfig withWalGroupCommit(java.time.Duration bound) {
    return toBuilder().walGroupCommit(bound).build();
  }

  /**
   * A copy of this configuration with another {@link #checkpointsRetained() checkpointsRetained}:
   * the completed checkpoints kept on disk.
   *
   * @param n the new value
   * @return the new configuration; this one is unchanged
   * @throws IllegalArgumentException if {@code n} is not positive
   */
  public StreamingConfig withCheckpointsRetained(int n) {
    return toBuilder().checkpointsRetained(n).build();
  }

  /** As {@link Builder#receiverMaxRestarts(int)}. */
  public StreamingConfig withReceiverMaxRestarts(int n) {
    return toBuilder().receiverMaxRestarts(n).build();
  }

  /** As {@code withStopGracefullyOnShutdown(true)}. */
  public StreamingConfig withStopGracefullyOnShutdown() {
    return withStopGracefullyOnShutdown(true);
  }

  /** As {@link Builder#stopGracefullyOnShutdown(boolean)}. */
  public StreamingConfig withStopGracefullyOnShutdown(boolean v) {
    return toBuilder().stopGracefullyOnShutdown(v).build();
  }

  /** As {@link Builder#allowNonRestoredState(boolean)}. */
  public StreamingConfig withAllowNonRestoredState(boolean v) {
    return toBuilder().allowNonRestoredState(v).build();
  }

  /** As {@link Builder#statusPort(int)}: the status page on 127.0.0.1:{@code port}. */
  public StreamingConfig withStatusPort(int port) {
    return toBuilder().statusPort(port).build();
  }

  /** As {@link Builder#statusAddress(InetSocketAddress)}. */
  public StreamingConfig withStatusAddress(InetSocketAddress address) {
    return toBuilder().statusAddress(address).build();
  }

  /**
   * A copy of this configuration with other {@link #sqlLimits() sqlLimits}: what one query of
   * {@link StreamingContext#sql} or of the status page may use.
   *
   * @param limits the new limits
   * @return the new configuration; this one is unchanged
   * @throws NullPointerException if {@code limits} is null
   */
  public StreamingConfig withSqlLimits(SqlLimits limits) {
    return toBuilder().sqlLimits(limits).build();
  }

  /** As {@link Builder#stateKeyGroups(int)}. */
  public StreamingConfig withStateKeyGroups(int n) {
    return toBuilder().stateKeyGroups(n).build();
  }

  /**
   * Collects settings for a {@link StreamingConfig}; starts from the defaults. Values are
   * checked by {@link #build()}. Not thread-safe.
   */
  public static final class Builder {
    private int workerThreads = Runtime.getRuntime().availableProcessors();
    /** Null: follow {@code workerThreads}. */
    private Integer defaultParallelism;
    private Clock clock = SystemClock.INSTANCE;
    private long receiverMaxBufferedRecords = 1_000_000;
    private int receiverMaxBlockRecords = 10_000;
    private long maxRatePerReceiver;
    private Duration receiverRestartDelay = Durations.seconds(2);
    private long stateMemoryBytes = 256L << 20;
    /** Null: derived from the heap and the default parallelism at build time. */
    private Integer stateCacheEntriesPerPartition;
    private Path stateDir;
    private final Map<Class<?>, Integer> kryoRegistrations = new LinkedHashMap<>();
    private Duration walGroupCommit = Duration.ofMillis(0);
    private int checkpointsRetained = 3;
    private long logSegmentBytes = 64L << 20;
    private int receiverMaxRestarts = 30;
    private boolean stopGracefullyOnShutdown;
    private boolean allowNonRestoredState;
    private InetSocketAddress statusAddress;
    private SqlLimits sqlLimits = SqlLimits.defaults();
    private int stateKeyGroups = 128;
    private StateCompaction stateCompaction = StateCompaction.LEVELED;

    private Builder() {}

    private Builder(StreamingConfig c) {
      workerThreads = c.workerThreads;
      defaultParallelism = c.defaultParallelism == c.workerThreads ? null : c.defaultParallelism;
      clock = c.clock;
      receiverMaxBufferedRecords = c.receiverMaxBufferedRecords;
      receiverMaxBlockRecords = c.receiverMaxBlockRecords;
      maxRatePerReceiver = c.maxRatePerReceiver;
      receiverRestartDelay = c.receiverRestartDelay;
      stateMemoryBytes = c.stateMemoryBytes;
      stateCacheEntriesPerPartition = c.stateCacheEntriesPerPartition;
      stateDir = c.stateDir;
      kryoRegistrations.putAll(c.kryoRegistrations);
      walGroupCommit = c.walGroupCommit;
      checkpointsRetained = c.checkpointsRetained;
      logSegmentBytes = c.logSegmentBytes;
      receiverMaxRestarts = c.receiverMaxRestarts;
      stopGracefullyOnShutdown = c.stopGracefullyOnShutdown;
      allowNonRestoredState = c.allowNonRestoredState;
      statusAddress = c.statusAddress;
      sqlLimits = c.sqlLimits;
      stateKeyGroups = c.stateKeyGroups;
      stateCompaction = c.stateCompaction;
    }

    /** Sets the worker threads; the default parallelism follows unless it is set. */
    /**
     * Sets {@link StreamingConfig#workerThreads() workerThreads}: the threads that run a batch's
     * partitions (a value that is not positive is refused by {@link #build()}).
     *
     * @param n the value
     * @return this builder
     */
    public Builder workerThreads(int n) {
      workerThreads = n;
      return this;
    }

    /**
     * Sets {@link StreamingConfig#defaultParallelism() defaultParallelism}: the partitions of
     * shuffles and keyed state when an operator does not say (a value that is not positive is
     * refused by {@link #build()}).
     *
     * @param n the value
     * @return this builder
     */
    public Builder defaultParallelism(int n) {
      defaultParallelism = n;
      return this;
    }

    /**
     * Sets {@link StreamingConfig#clock() clock}: the scheduler's time source ({@link ManualClock}
     * in tests) (a null clock is refused by {@link #build()}).
     *
     * @param c the value
     * @return this builder
     */
    public Builder clock(Clock c) {
      clock = c;
      return this;
    }

    /**
     * Sets {@link StreamingConfig#receiverMaxBufferedRecords() receiverMaxBufferedRecords}: the
     * records one receiver may hold before {@code store} blocks (backpressure) (a value that is not
     * positive is refused by {@link #build()}).
     *
     * @param n the value
     * @return this builder
     */
    public Builder receiverMaxBufferedRecords(long n) {
      receiverMaxBufferedRecords = n;
      return this;
    }

    /**
     * Sets {@link StreamingConfig#receiverMaxBlockRecords() receiverMaxBlockRecords}: the records
     * per block cut from single-record stores (a value that is not positive is refused by {@link
     * #build()}).
     *
     * @param n the value
     * @return this builder
     */
    public Builder receiverMaxBlockRecords(int n) {
      receiverMaxBlockRecords = n;
      return this;
    }

    /**
     * Sets {@link StreamingConfig#maxRatePerReceiver() maxRatePerReceiver}: records per second one
     * receiver may store, 0 for unlimited (Spark's {@code spark.streaming.receiver.maxRate}) (a
     * negative rate is refused by {@link #build()}).
     *
     * @param recordsPerSecond the value
     * @return this builder
     */
    public Builder maxRatePerReceiver(long recordsPerSecond) {
      maxRatePerReceiver = recordsPerSecond;
      return this;
    }

    /**
     * Sets {@link StreamingConfig#receiverRestartDelay() receiverRestartDelay}: the wait between a
     * receiver's stop and its restart after an error (a negative delay is refused by {@link
     * #build()}).
     *
     * @param d the value
     * @return this builder
     */
    public Builder receiverRestartDelay(Duration d) {
      receiverRestartDelay = d;
      return this;
    }

    /** As {@link #receiverRestartDelay(Duration)}. */
    public Builder receiverRestartDelay(java.time.Duration d) {
      return receiverRestartDelay(Duration.of(d));
    }

    /**
     * Sets {@link StreamingConfig#stateMemoryBytes() stateMemoryBytes}: the native memory budget of
     * the keyed state (RocksDB block cache and write buffers) (a value that is not positive is
     * refused by {@link #build()}).
     *
     * @param bytes the value
     * @return this builder
     */
    public Builder stateMemoryBytes(long bytes) {
      stateMemoryBytes = bytes;
      return this;
    }

    /**
     * Sets {@link StreamingConfig#stateCacheEntriesPerPartition() stateCacheEntriesPerPartition}:
     * the hot keys kept deserialized on the heap per state partition (a value that is not positive
     * is refused by {@link #build()}).
     *
     * @param n the value
     * @return this builder
     */
    public Builder stateCacheEntriesPerPartition(int n) {
      stateCacheEntriesPerPartition = n;
      return this;
    }

    /** @param dir where keyed state lives without a checkpoint directory; null for a temporary one */
    public Builder stateDir(Path dir) {
      stateDir = dir;
      return this;
    }

    /**
     * Registers a user type for serialization (keys, state, records of receivers with a
     * write-ahead log). Ids start at 100 and must stay the same across versions of the program.
     */
    public Builder kryoRegistration(Class<?> type, int id) {
      kryoRegistrations.put(Objects.requireNonNull(type, "type"), id);
      return this;
    }

    /** Replaces every registration of {@link #kryoRegistration(Class, int)} by {@code registrations}. */
    public Builder kryoRegistrations(Map<Class<?>, Integer> registrations) {
      kryoRegistrations.clear();
      kryoRegistrations.putAll(registrations);
      return this;
    }

    /**
     * Sets {@link StreamingConfig#walGroupCommit() walGroupCommit}: zero forces each write-ahead
     * log block to disk before {@code store} returns; a positive bound lets the blocks that arrive
     * within it share one force (a negative bound is refused by {@link #build()}).
     *
     * @param bound the value
     * @return this builder
     */
    public Builder walGroupCommit(Duration bound) {
      walGroupCommit = bound;
      return this;
    }

    /** As {@link #walGroupCommit(Duration)}. */
    public Builder walGroupCommit(java.time.Duration bound) {
      return walGroupCommit(Duration.of(bound));
    }

    /** @see StreamingConfig#logSegmentBytes() */
    public Builder logSegmentBytes(long bytes) {
      logSegmentBytes = bytes;
      return this;
    }

    /**
     * Serves the status page on 127.0.0.1 (loopback only) at {@code port}; 0 takes any free port.
     *
     * @throws IllegalArgumentException if the port is not in [0, 65535]
     */
    public Builder statusPort(int port) {
      statusAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
      return this;
    }

    /** @param address where the status page listens, any interface included; null: no page */
    public Builder statusAddress(InetSocketAddress address) {
      statusAddress = address;
      return this;
    }

    /**
     * Sets {@link StreamingConfig#sqlLimits() sqlLimits}: the time, rows, memory and threads one
     * SQL query may use (null is refused by {@link #build()}).
     *
     * @param limits the limits ({@link SqlLimits#defaults()} by default)
     * @return this builder
     */
    public Builder sqlLimits(SqlLimits limits) {
      sqlLimits = limits;
      return this;
    }

    /**
     * Sets {@link StreamingConfig#checkpointsRetained() checkpointsRetained}: the completed
     * checkpoints kept on disk (a value that is not positive is refused by {@link #build()}).
     *
     * @param n the value
     * @return this builder
     */
    public Builder checkpointsRetained(int n) {
      checkpointsRetained = n;
      return this;
    }

    /**
     * Sets how many restarts in a row a receiver may ask for, without storing a record in
     * between, before it is stopped and the context stops with an error (at least 0).
     */
    public Builder receiverMaxRestarts(int n) {
      receiverMaxRestarts = n;
      return this;
    }

    /**
     * Sets whether a JVM shutdown (SIGTERM) stops the context gracefully, through a shutdown hook
     * that {@code start()} installs and {@code stop} removes.
     */
    public Builder stopGracefullyOnShutdown(boolean v) {
      stopGracefullyOnShutdown = v;
      return this;
    }

    /** Sets into how many key groups new stateful operators split their state (see the record's component). */
    public Builder stateKeyGroups(int n) {
      stateKeyGroups = n;
      return this;
    }

    /** Sets the keyed state's compaction style (see the record's component). */
    public Builder stateCompaction(StateCompaction style) {
      stateCompaction = style;
      return this;
    }

    /**
     * Sets whether a start may drop the checkpointed state of stateful operators that the program
     * no longer has, instead of refusing to start.
     */
    public Builder allowNonRestoredState(boolean v) {
      allowNonRestoredState = v;
      return this;
    }

    /**
     * @return the configuration
     * @throws IllegalArgumentException if a count or size is not positive, the rate or a
     *     duration is negative
     * @throws NullPointerException if the clock or a duration is null
     */
    public StreamingConfig build() {
      int parallelism = defaultParallelism != null ? defaultParallelism : workerThreads;
      int cacheEntries = stateCacheEntriesPerPartition != null ? stateCacheEntriesPerPartition
          : defaultStateCacheEntries(parallelism);
      return new StreamingConfig(workerThreads, parallelism, clock, receiverMaxBufferedRecords,
          receiverMaxBlockRecords, maxRatePerReceiver, receiverRestartDelay, stateMemoryBytes, cacheEntries,
          stateDir, kryoRegistrations, walGroupCommit, checkpointsRetained, logSegmentBytes,
          receiverMaxRestarts, stopGracefullyOnShutdown, allowNonRestoredState,
          statusAddress, sqlLimits, stateKeyGroups, stateCompaction);
    }

    /**
     * A cache bound the heap can hold: a cached key costs ~80 bytes (its serialized key and
     * state in the cache's pages, its slot in the index: 74 B measured for 1 M string keys and
     * long states over 128 partitions, docs/PERFORMANCE.md); a third of the heap leaves room
     * for the batch's records and for the keys a batch adds on top of the bound until it ends.
     */
    private static int defaultStateCacheEntries(int partitions) {
      long perPartition = Runtime.getRuntime().maxMemory() / 3 / 80 / Math.max(1, partitions);
      return (int) Math.max(4096, Math.min(1 << 24, perPartition));
    }
  }
}
