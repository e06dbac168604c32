package io.uji.streaming;

import io.uji.engine.exec.WorkerPool;
import io.uji.engine.graph.Node;
import io.uji.engine.graph.StatefulNode;
import io.uji.engine.hooks.ContextView;
import io.uji.engine.hooks.EngineObserver;
import io.uji.engine.hooks.EngineObservers;
import io.uji.engine.hooks.SqlEngine;
import io.uji.engine.hooks.SqlEngineProvider;
import io.uji.engine.hooks.StatusPage;
import io.uji.engine.hooks.StatusPageProvider;
import io.uji.engine.runtime.RuntimeContextView;
import io.uji.engine.graph.StreamGraph;
import io.uji.engine.input.FileInputNode;
import io.uji.engine.input.GeneratorInputNode;
import io.uji.engine.input.QueueInputNode;
import io.uji.engine.input.ReceiverInputNode;
import io.uji.engine.input.ReplayableInputNode;
import io.uji.engine.input.SocketReceiver;
import io.uji.engine.ops.TransformNode;
import io.uji.engine.ops.UnionNode;
import io.uji.engine.receiver.ReceiverSettings;
import io.uji.engine.runtime.ContextRuntime;
import io.uji.engine.scheduler.BatchScheduler;
import io.uji.engine.scheduler.ListenerBus;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point (Spark's StreamingContext / JavaStreamingContext): define input streams and
 * their transformations and outputs, then {@link #start()}; batches are cut every batch interval
 * and run in order until {@link #stop(boolean)}.
 *
 * <p>Life cycle: INITIALIZED → ACTIVE → STOPPED, one way. Streams can only be added while
 * INITIALIZED; a stopped context cannot be restarted (create a new one).
 *
 * <p>Differences from Spark: several contexts may be active in one JVM (each with its own
 * checkpoint directory); {@link #getActive()} returns the most recently started one that is still
 * active. A failed batch stops the context and {@link #awaitTermination()} throws its error.
 */
public final class StreamingContext {
  private static final Logger LOG = LoggerFactory.getLogger(StreamingContext.class);
  private static final List<StreamingContext> ACTIVE = new CopyOnWriteArrayList<>();
  /** Contexts from the start of their start() to their stop: batches may run (replay during start too). */
  private static final List<StreamingContext> RUNNING = new CopyOnWriteArrayList<>();
  private static final AtomicInteger SEQ = new AtomicInteger();

  private final StreamingConfig config;
  private final Duration batchInterval;
  private final StreamGraph graph;
  private final ListenerBus bus;
  private final String name;
  private final Object lifecycle = new Object();
  private volatile StreamingContextState state = StreamingContextState.INITIALIZED;
  private volatile Throwable failure;
  private Path checkpointDir;
  private Duration checkpointInterval;
  private volatile ContextRuntime runtime;
  /** Observers attached before start (uji-metrics); the status page's joins them at start. */
  private final List<EngineObserver> observers = new CopyOnWriteArrayList<>();
  private final ContextView view;
  private EngineObserver observer = EngineObserver.NONE;
  /** The group membership the context runs in, or null (set before start, through ClusterAccess). */
  private io.uji.engine.cluster.ClusterMember member;
  private String applicationId;
  private volatile StatusPage statusPage;
  private final Object sqlLock = new Object();
  /** Created on first use (DuckDB takes a second to start); guarded by sqlLock. */
  private SqlEngine sqlEngine;
  private boolean sqlClosed;
  /** Stops gracefully when the JVM shuts down, if the configuration asks for it (installed by start). */
  private Thread shutdownHook;

  /** A context with the default configuration. */
  public StreamingContext(Duration batchInterval) {
    this(StreamingConfig.defaults(), batchInterval);
  }

  /** As {@link #StreamingContext(Duration)}, the interval as a {@code java.time.Duration}. */
  public StreamingContext(java.time.Duration batchInterval) {
    this(Duration.of(batchInterval));
  }

  /** As {@link #StreamingContext(StreamingConfig, Duration)}, the interval as a {@code java.time.Duration}. */
  public StreamingContext(StreamingConfig config, java.time.Duration batchInterval) {
    this(config, Duration.of(batchInterval));
  }

  /**
   * @throws IllegalArgumentException if the batch interval is not positive
   */
  public StreamingContext(StreamingConfig config, Duration batchInterval) {
    this.config = Objects.requireNonNull(config, "config");
    this.batchInterval = Objects.requireNonNull(batchInterval, "batchInterval");
    this.graph = new StreamGraph(batchInterval, config.defaultParallelism());
    this.name = "uji-" + SEQ.incrementAndGet();
    this.bus = new ListenerBus(name);
    this.view = new RuntimeContextView(name, graph, () -> checkpointDir, () -> state.name(), () -> runtime);
  }

  /** @return the configuration the context was created with */
  public StreamingConfig config() {
    return config;
  }

  /** @return the batch interval: a batch is generated at every multiple of it on the clock */
  public Duration batchInterval() {
    return batchInterval;
  }

  /**
   * The context's place in its one-way life cycle. Spark's {@code StreamingContext.getState}.
   *
   * @return INITIALIZED until {@link #start()}, ACTIVE while running, STOPPED after {@link
   *     #stop} or a fatal error
   */
  public StreamingContextState getState() {
    return state;
  }

  /** @return the program graph (for the stream classes of this package) */
  StreamGraph graph() {
    return graph;
  }

  private void checkInitialized(String what) {
    if (state != StreamingContextState.INITIALIZED) {
      throw new IllegalStateException("Cannot " + what + " once the context was started (state " + state + ")");
    }
  }

  // ------------------------------------------------------------------------------- sources

  /** A stream fed by a custom receiver. */
  public <T> DStream<T> receiverStream(Receiver<T> receiver) {
    Objects.requireNonNull(receiver, "receiver");
    checkInitialized("add an input stream");
    ReceiverSettings settings = new ReceiverSettings(config.receiverMaxBufferedRecords(),
        config.receiverMaxBlockRecords(), config.maxRatePerReceiver(), config.receiverRestartDelay().milliseconds(),
        config.receiverMaxRestarts());
    return new DStream<>(this, new ReceiverInputNode<>(graph, receiver, settings, bus));
  }

  /**
   * Lines of text from a TCP server. Unreliable: lines received but not yet stored in a block are
   * lost in a crash; use a reliable source where that matters.
   */
  public DStream<String> socketTextStream(String host, int port) {
    return receiverStream(new SocketReceiver(host, port));
  }

  /**
   * Lines of the files that appear in {@code directory}: move finished files in atomically; each
   * file is read once, in the first batch after it appeared.
   */
  public DStream<String> textFileStream(String directory) {
    checkInitialized("add an input stream");
    return new DStream<>(this, new FileInputNode(graph, Path.of(directory)));
  }

  /** For tests: each batch takes the next list of the queue (or all of them if not {@code oneAtATime}). */
  public <T> DStream<T> queueStream(Queue<List<T>> queue, boolean oneAtATime) {
    return queueStream(queue, oneAtATime, List.of());
  }

  /** As {@link #queueStream(Queue, boolean)}, with the batch used when the queue is empty. */
  public <T> DStream<T> queueStream(Queue<List<T>> queue, boolean oneAtATime, List<T> defaultBatch) {
    checkInitialized("add an input stream");
    return new DStream<>(this, new QueueInputNode<>(graph, queue, oneAtATime, defaultBatch));
  }

  /** A deterministic generated stream (replayable from its offsets, no write-ahead log needed). */
  public <T> DStream<T> generatorStream(GeneratorSpec<T> spec) {
    Objects.requireNonNull(spec, "spec");
    checkInitialized("add an input stream");
    return new DStream<>(this, new GeneratorInputNode<>(graph, spec, config.defaultParallelism()));
  }

  /**
   * A stream read by position from a {@link ReplayableSource} (Kafka, say): each batch's ranges
   * are logged before it runs and read again on replay, so state built from it is exactly once
   * with a checkpoint directory, without a write-ahead log.
   */
  public <T> DStream<T> replayableStream(ReplayableSource<T> source) {
    Objects.requireNonNull(source, "source");
    checkInitialized("add an input stream");
    return new DStream<>(this, new ReplayableInputNode<>(graph, source, bus));
  }

  /**
   * The keyed stream of a group (internal: reached through {@code io.uji.engine.cluster.ClusterAccess}):
   * partition g of every batch holds the records of the spec's key group g.
   */
  <K, V> PairDStream<K, V> keyedStream(io.uji.engine.cluster.KeyedSourceSpec<Pair<K, V>> spec) {
    Objects.requireNonNull(spec, "spec");
    checkInitialized("add an input stream");
    return new PairDStream<>(new DStream<>(this, new io.uji.engine.input.KeyedReplayableInputNode<>(graph, spec, bus)));
  }

  /**
   * The union of several streams of the same slide: each batch holds their partitions, in order.
   *
   * @throws IllegalArgumentException if the slides differ or a stream belongs to another context
   */
  @SafeVarargs
  public final <T> DStream<T> union(DStream<T> first, DStream<T>... rest) {
    List<DStream<T>> all = new ArrayList<>(rest.length + 1);
    all.add(first);
    all.addAll(Arrays.asList(rest));
    return union(all);
  }

  /**
   * Spark's union of a list: each batch holds the partitions of every stream, in list order.
   *
   * @throws IllegalArgumentException if the list is empty, the slides differ or a stream belongs
   *     to another context
   */
  public <T> DStream<T> union(List<? extends DStream<T>> streams) {
    return new DStream<>(this, new UnionNode<>(nodesOf(streams, "union")));
  }

  /**
   * The union of several keyed streams of the same slide, still a keyed stream.
   *
   * @throws IllegalArgumentException if the slides differ or a stream belongs to another context
   */
  @SafeVarargs
  public final <K, V> PairDStream<K, V> union(PairDStream<K, V> first, PairDStream<K, V>... rest) {
    List<DStream<Pair<K, V>>> all = new ArrayList<>(rest.length + 1);
    all.add(first);
    all.addAll(Arrays.asList(rest));
    return new PairDStream<>(union(all));
  }

  /**
   * Spark's transform over several streams: every batch, {@code f} gets each stream's dataset at
   * that time (in list order; an empty dataset for a stream that has none) and the time, and
   * returns the new stream's dataset.
   *
   * @throws IllegalArgumentException if the list is empty, the slides differ or a stream belongs
   *     to another context
   */
  public <T> DStream<T> transform(List<? extends DStream<?>> streams,
      BiFunction<List<Dataset<?>>, Time, Dataset<T>> f) {
    Objects.requireNonNull(f, "f");
    checkStreams(streams, "transform");
    List<Node<?>> parents = new ArrayList<>();
    for (DStream<?> d : streams) {
      parents.add(d.node);
    }
    return new DStream<>(this, new TransformNode<>(parents, (ins, t) -> f.apply(List.copyOf(ins), t)));
  }

  /** As {@link #transform(List, BiFunction)}, to a keyed stream (Spark's transformToPair). */
  public <K, V> PairDStream<K, V> transformToPair(List<? extends DStream<?>> streams,
      BiFunction<List<Dataset<?>>, Time, Dataset<Pair<K, V>>> f) {
    return new PairDStream<>(transform(streams, f));
  }

  private <T> List<Node<T>> nodesOf(List<? extends DStream<T>> streams, String operation) {
    checkStreams(streams, operation);
    List<Node<T>> nodes = new ArrayList<>(streams.size());
    for (DStream<T> d : streams) {
      nodes.add(d.node);
    }
    return nodes;
  }

  /** @throws IllegalArgumentException if the list is empty or a stream belongs to another context */
  private void checkStreams(List<? extends DStream<?>> streams, String operation) {
    Objects.requireNonNull(streams, "streams");
    if (streams.isEmpty()) {
      throw new IllegalArgumentException(operation + " needs at least one stream");
    }
    for (DStream<?> d : streams) {
      Objects.requireNonNull(d, "a stream");
      if (d.ssc != this) {
        throw new IllegalArgumentException(operation + " of streams of different streaming contexts");
      }
    }
  }

  // ------------------------------------------------------------------------------- settings

  /** Keeps every stream's datasets at least this long (Spark's remember). */
  public void remember(Duration duration) {
    checkInitialized("change remember");
    graph.remember(duration);
  }

  /** As {@link #remember(Duration)}. */
  public void remember(java.time.Duration duration) {
    remember(Duration.of(duration));
  }

  /**
   * Adds a listener of this context's events (batches, output operations, receivers). It may be
   * added before or after start; it receives the events posted from then on, on the context's
   * listener thread. Spark's {@code addStreamingListener}.
   *
   * @param listener the listener, not null
   * @throws NullPointerException if {@code listener} is null
   */
  public void addStreamingListener(StreamingListener listener) {
    bus.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Sets the checkpoint directory: the receivers' write-ahead log, the batch lineage, the keyed
   * state and periodic checkpoints live there, and a restart with {@link #getOrCreate} on the same
   * directory recovers exactly. Must be called before start.
   */
  public void checkpoint(String directory) {
    checkInitialized("set the checkpoint directory");
    this.checkpointDir = directory == null ? null : Path.of(directory).toAbsolutePath();
  }

  /** @return the checkpoint directory, or null */
  public Path checkpointDirectory() {
    return checkpointDir;
  }

  void requestCheckpointInterval(Duration interval) {
    checkInitialized("change the checkpoint interval");
    if (checkpointInterval == null || interval.compareTo(checkpointInterval) < 0) {
      checkpointInterval = interval;
    }
  }

  /** @return the interval of periodic checkpoints: the shortest a stream asked for, or 10 batch intervals */
  public Duration checkpointInterval() {
    return checkpointInterval != null ? checkpointInterval : batchInterval.times(10);
  }

  // ------------------------------------------------------------------------------- life cycle

  /**
   * Starts receiving and processing. With a checkpoint directory that holds a checkpoint, first
   * restores the state and replays the batches logged after it.
   *
   * @throws IllegalStateException if already started or stopped, or if no output operation is defined
   */
  public void start() {
    synchronized (lifecycle) {
      if (state == StreamingContextState.ACTIVE) {
        throw new IllegalStateException("The context is already started");
      }
      if (state == StreamingContextState.STOPPED) {
        throw new IllegalStateException("A stopped context cannot be started again; create a new one");
      }
      graph.freeze();
      List<EngineObserver> all = new ArrayList<>(observers);
      if (config.statusAddress() != null) {
        statusPage = startStatusPage(); // before recovery and the first batch, so that it sees them
        all.add(statusPage.observer());
      }
      observer = EngineObservers.compose(all);
      runtime = new ContextRuntime(name, config, graph, bus, checkpointDir, checkpointInterval(), this::fail, observer);
      if (member != null) {
        runtime.joinGroup(member, applicationId,
            statusPage == null ? Optional.empty() : Optional.of(statusPage.hostAndPort()));
      }
      RUNNING.add(this);
      try {
        bus.start();
        runtime.start();
      } catch (RuntimeException | Error e) {
        runtime.close(false);
        bus.close();
        closeExtensions();
        RUNNING.remove(this);
        state = StreamingContextState.STOPPED;
        throw e;
      }
      state = StreamingContextState.ACTIVE;
      ACTIVE.add(this);
      observer.started(view);
      if (config.stopGracefullyOnShutdown()) {
        // Not named after the context: its own threads may not stop it synchronously (see stop).
        shutdownHook = new Thread(() -> stop(true), "shutdown-hook-of-" + name);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
      }
      long now = config.clock().getTimeMillis();
      bus.post(l -> l.onStreamingStarted(now));
      LOG.info("Streaming context {} started (batch interval {})", name, batchInterval);
    }
  }

  /** Stops without waiting for received data to be processed. */
  public void stop() {
    stop(false);
  }

  /**
   * Stops the context; afterwards no thread of it runs.
   *
   * <p>Called from the context's own threads (an output operation, a listener), it returns at
   * once and the context stops from another thread; use {@link #awaitTermination()} to wait.
   *
   * @param stopGracefully true: stop the receivers, then process everything they stored (one
   *     last batch at the next batch time, without waiting for the clock), then, with a checkpoint
   *     directory, take a final checkpoint of the last batch, so that the next start replays
   *     nothing; false: stop now, dropping queued batches (with a checkpoint directory they are
   *     replayed on the next start, and the batches since the last checkpoint with them)
   */
  public void stop(boolean stopGracefully) {
    if (isOwnThread()) {
      // From an output operation or a listener: stopping waits for the context's threads to
      // end, this one included, so it would wait for itself. Stop from another thread.
      Thread t = new Thread(() -> stop(stopGracefully), name + "-stopper");
      t.setDaemon(true);
      t.start();
      return;
    }
    synchronized (lifecycle) {
      if (state == StreamingContextState.STOPPED) {
        return;
      }
      if (state == StreamingContextState.ACTIVE) {
        runtime.close(stopGracefully);
        bus.close();
        observer.stopped();
        closeExtensions();
      }
      state = StreamingContextState.STOPPED;
      ACTIVE.remove(this);
      RUNNING.remove(this);
      removeShutdownHook();
      lifecycle.notifyAll();
    }
    LOG.info("Streaming context {} stopped{}", name, stopGracefully ? " gracefully" : "");
  }

  private void removeShutdownHook() {
    Thread hook = shutdownHook;
    if (hook == null || hook == Thread.currentThread()) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The JVM is shutting down and the hook is running or will: it finds the context stopped.
    }
  }

  // ------------------------------------------------------------------------------- status and SQL

  /**
   * @return where the status page of this running context is served ({@code
   *     http://127.0.0.1:4040/}), or empty when it has none ({@link StreamingConfig#statusAddress()}
   *     not set, or not started)
   */
  public Optional<URI> statusUri() {
    StatusPage page = statusPage;
    return page == null ? Optional.empty() : Optional.of(page.uri());
  }

  /**
   * Runs one read-only SQL query over the tables of this running context: the batches registered
   * with {@link Dataset#registerTempTable} or {@link DStream#registerLatestAsTable}, and every
   * stateful operator's state as a table named after the operator (columns {@code key} and
   * {@code value}, or the record components of each). Needs the {@code uji-sql} module on the
   * class path; limits in {@link StreamingConfig#sqlLimits()}. Safe from any thread.
   *
   * @return the rows, at most {@link SqlLimits#maxRows()} of them
   * @throws SqlQueryException if the query is not one SELECT, fails or runs out of time
   * @throws IllegalStateException if the context is not running
   * @throws StreamingException if the {@code uji-sql} module is missing
   */
  public SqlResult sql(String query) {
    Objects.requireNonNull(query, "query");
    return sqlEngine().query(query);
  }

  /**
   * A read-only view of the keyed state of the stateful operator named {@code name} (its
   * {@code .name(...)}, or its derived id), for queries from any thread while batches run: see
   * {@link KeyedState}. The view may be taken before start and read once the context runs.
   *
   * @param keyType the key type the caller expects
   * @param stateType the state type the caller expects (for mapWithState, the user's state)
   * @throws IllegalArgumentException if no stateful operator has that name, or its declared (or
   *     already observed) key or state type is not assignable to the one given
   */
  public <K, S> KeyedState<K, S> keyedState(String name, Class<K> keyType, Class<S> stateType) {
    Objects.requireNonNull(keyType, "keyType");
    Objects.requireNonNull(stateType, "stateType");
    return stateful(name).queryable(keyType, stateType);
  }

  /**
   * As {@link #keyedState(String, Class, Class)}, with the types unchecked.
   *
   * @throws IllegalArgumentException if no stateful operator has that name
   */
  public KeyedState<?, ?> keyedState(String name) {
    return stateful(name).queryable(null, null);
  }

  private StatefulNode stateful(String name) {
    Objects.requireNonNull(name, "name");
    List<String> names = new ArrayList<>();
    for (StatefulNode s : graph.statefulNodes()) {
      if (s.stateId().equals(name)) {
        return s;
      }
      names.add(s.stateId());
    }
    throw new IllegalArgumentException("No stateful operator is named '" + name + "'; this program has "
        + (names.isEmpty() ? "none" : names));
  }

  /** Makes {@code rows} the table {@code name} of this context's SQL (see {@link #sql}). */
  void registerTable(String name, Dataset<?> rows) {
    Objects.requireNonNull(name, "name");
    sqlEngine().registerTable(name, rows);
  }

  private SqlEngine sqlEngine() {
    synchronized (sqlLock) {
      if (!RUNNING.contains(this) || sqlClosed) {
        throw new IllegalStateException("SQL needs a running context; " + name + " is " + state);
      }
      if (sqlEngine == null) {
        SqlEngineProvider provider = provider(SqlEngineProvider.class, "SQL (ssc.sql, registerTempTable)", "uji-sql");
        List<KeyedState<?, ?>> states = new ArrayList<>();
        for (StatefulNode s : graph.statefulNodes()) {
          states.add(keyedState(s.stateId()));
        }
        sqlEngine = provider.open(config.sqlLimits(), states);
      }
      return sqlEngine;
    }
  }

  private StatusPage startStatusPage() {
    StatusPageProvider provider = provider(StatusPageProvider.class,
        "The status page (statusAddress " + config.statusAddress() + ")", "uji-status");
    return provider.start(this, view, config.statusAddress());
  }

  private static <P> P provider(Class<P> type, String feature, String module) {
    for (P p : ServiceLoader.load(type, StreamingContext.class.getClassLoader())) {
      return p;
    }
    throw new StreamingException(feature + " needs the " + module + " module on the class path (Maven: io.uji:"
        + module + ")");
  }

  /** Stops the status page and the SQL engine, if any. */
  private void closeExtensions() {
    synchronized (sqlLock) {
      sqlClosed = true;
      if (sqlEngine != null) {
        try {
          sqlEngine.close();
        } catch (RuntimeException e) {
          LOG.warn("Closing the SQL engine of {} failed", name, e);
        }
        sqlEngine = null;
      }
    }
    StatusPage page = statusPage;
    if (page != null) {
      try {
        page.close();
      } catch (RuntimeException e) {
        LOG.warn("Closing the status page of {} failed", name, e);
      }
    }
  }

  /** @return the running context whose worker pool is {@code pool}, or null */
  static StreamingContext owning(WorkerPool pool) {
    if (pool == null) {
      return null;
    }
    for (StreamingContext c : RUNNING) {
      ContextRuntime r = c.runtime;
      if (r != null && r.pool() == pool) {
        return c;
      }
    }
    return null;
  }

  /** @return the internal view (through {@link EngineAccess}) */
  ContextView view() {
    return view;
  }

  /**
   * Makes the context run in a group through {@code m} (through {@link EngineAccess}).
   *
   * @throws IllegalStateException if started already, or in a group already
   */
  void joinGroup(io.uji.engine.cluster.ClusterMember m, String appId) {
    Objects.requireNonNull(m, "member");
    Objects.requireNonNull(appId, "applicationId");
    synchronized (lifecycle) {
      checkInitialized("join a group");
      if (member != null) {
        throw new IllegalStateException("The context runs in group '" + applicationId + "' already");
      }
      member = m;
      applicationId = appId;
    }
  }

  /** Attaches an observer to the next start (through {@link EngineAccess}). */
  void observe(EngineObserver o) {
    Objects.requireNonNull(o, "observer");
    synchronized (lifecycle) {
      checkInitialized("attach an observer");
      observers.add(o);
    }
  }

  private boolean isOwnThread() {
    String thread = Thread.currentThread().getName();
    return thread.startsWith(name + "-") && !thread.equals(name + "-stopper");
  }

  private void fail(Throwable error) {
    failure = error;
    Thread t = new Thread(() -> stop(false), name + "-stopper");
    t.setDaemon(true);
    t.start();
  }

  /**
   * Waits until the context stops.
   *
   * @throws StreamingException if it stopped because a batch failed
   */
  public void awaitTermination() throws InterruptedException {
    synchronized (lifecycle) {
      while (state != StreamingContextState.STOPPED) {
        lifecycle.wait();
      }
    }
    rethrowFailure();
  }

  /**
   * Waits at most {@code timeoutMillis} for the context to stop.
   *
   * @return true if it stopped
   * @throws StreamingException if it stopped because a batch failed
   */
  public boolean awaitTerminationOrTimeout(long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    synchronized (lifecycle) {
      while (state != StreamingContextState.STOPPED) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(lifecycle, left);
      }
    }
    rethrowFailure();
    return true;
  }

  private void rethrowFailure() {
    Throwable f = failure;
    if (f != null) {
      throw new StreamingException("The streaming context " + name + " stopped after an error: " + f, f);
    }
  }

  // ------------------------------------------------------------------------------- statics

  /** @return the most recently started context that is still active, or null */
  public static StreamingContext getActive() {
    List<StreamingContext> active = ACTIVE;
    return active.isEmpty() ? null : active.get(active.size() - 1);
  }

  /**
   * Spark's getOrCreate: a context for {@code checkpointDirectory} that, when started, resumes
   * from it. Unlike Spark, the factory runs every time — no closures are ever serialized, so the
   * program is always the current code — and the checkpoint's state is restored into its stateful
   * operators by their stable ids when {@link #start()} runs, after which the logged batches
   * after the checkpoint are replayed.
   *
   * @throws IllegalArgumentException if the factory set another checkpoint directory
   */
  public static StreamingContext getOrCreate(String checkpointDirectory, Supplier<StreamingContext> factory) {
    Path dir = Path.of(checkpointDirectory).toAbsolutePath();
    StreamingContext ssc = Objects.requireNonNull(factory.get(), "the factory returned null");
    if (ssc.checkpointDir == null) {
      ssc.checkpoint(dir.toString());
    } else if (!ssc.checkpointDir.equals(dir)) {
      throw new IllegalArgumentException("The factory set the checkpoint directory " + ssc.checkpointDir
          + " but getOrCreate was given " + dir);
    }
    return ssc;
  }

  /**
   * The active context using {@code checkpointDirectory} if there is one, else
   * {@link #getOrCreate(String, Supplier)}. Several contexts with different checkpoint
   * directories may be active at once.
   */
  public static StreamingContext getActiveOrCreate(String checkpointDirectory, Supplier<StreamingContext> factory) {
    Path dir = Path.of(checkpointDirectory).toAbsolutePath();
    for (StreamingContext c : ACTIVE) {
      if (dir.equals(c.checkpointDir)) {
        return c;
      }
    }
    return getOrCreate(checkpointDirectory, factory);
  }

  /** @return {@link #getActive()} if there is one, else a new context from {@code factory} (not started) */
  public static StreamingContext getActiveOrCreate(Supplier<StreamingContext> factory) {
    StreamingContext active = getActive();
    return active != null ? active : factory.get();
  }
}
