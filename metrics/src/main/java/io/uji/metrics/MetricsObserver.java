package io.uji.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.uji.engine.hooks.BatchReport;
import io.uji.engine.hooks.CheckpointReport;
import io.uji.engine.hooks.ContextView;
import io.uji.engine.hooks.EngineObserver;
import io.uji.engine.hooks.InputView;
import io.uji.engine.hooks.RecoveryReport;
import io.uji.engine.hooks.StateView;
import io.uji.streaming.BatchInfo;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Turns a context's reports into meters. Timers and counters are pushed by the engine's reports;
 * gauges and function counters read the {@link ContextView} when the registry publishes.
 */
final class MetricsObserver implements EngineObserver, AutoCloseable {
  private static final double[] PERCENTILES = {0.5, 0.95, 0.99};

  private final MeterRegistry registry;
  private final ContextView view;
  private final ViewCache cache;
  private final Tags context;
  private final Queue<Meter> meters = new ConcurrentLinkedQueue<>();
  private final Timer processing;
  private final Timer schedulingDelay;
  private final Timer totalDelay;
  private final Counter failedBatches;
  private final Counter replayedBatches;
  private final Counter failures;
  private final Timer checkpointDuration;
  private final Timer checkpointCapture;
  private final DistributionSummary checkpointSize;
  private final Map<Integer, Counter> inputRecords = new ConcurrentHashMap<>();
  private final Map<Integer, Timer> walAppend = new ConcurrentHashMap<>();
  private final Map<Integer, Timer> walFsync = new ConcurrentHashMap<>();
  private final Map<Integer, Counter> walWritten = new ConcurrentHashMap<>();
  private final Set<String> lagGauges = ConcurrentHashMap.newKeySet();
  /** Wall-clock time the newest checkpoint became durable; 0 before any. */
  private volatile long newestCheckpointAtMs;
  private volatile boolean closed;

  MetricsObserver(MeterRegistry registry, ContextView view) {
    this.registry = registry;
    this.view = view;
    this.cache = new ViewCache(view);
    this.context = Tags.of("context", view.name());
    processing = timer("uji.batch.processing", "Time a batch took to run (Spark's processing delay)", context);
    schedulingDelay = timer("uji.batch.scheduling.delay", "Time a batch waited in the queue before it ran", context);
    totalDelay = timer("uji.batch.total.delay", "Time from a batch's submission to its end", context);
    failedBatches = counter("uji.batch.failures", "Batches that failed (the context stops)", null, context);
    replayedBatches = counter("uji.batches.replayed", "Batches run again from the lineage log after a crash",
        null, context);
    failures = counter("uji.context.failures", "Failures outside batches (a checkpoint, the job generator)", null,
        context);
    checkpointDuration = timer("uji.checkpoint.duration", "From a checkpoint's capture to its atomic rename",
        context);
    checkpointCapture = timer("uji.checkpoint.capture", "The part of a checkpoint the batch runner waited for",
        context);
    checkpointSize = keep(DistributionSummary.builder("uji.checkpoint.size").baseUnit(BaseUnits.BYTES)
        .description("Bytes of a checkpoint's files (hard-linked state files included)").tags(context)
        .register(registry));
    keep(TimeGauge.builder("uji.checkpoint.age", this, TimeUnit.MILLISECONDS, MetricsObserver::checkpointAgeMs)
        .description("Time since the newest checkpoint became durable (NaN before the first)").tags(context)
        .strongReference(true).register(registry));
    keep(Gauge.builder("uji.state.native.memory", cache, ViewCache::nativeMemory).baseUnit(BaseUnits.BYTES)
        .description("Native memory of the keyed state's RocksDB: block cache, memtables, index and filter blocks")
        .tags(context).strongReference(true).register(registry));
  }

  // ------------------------------------------------------------------ reports (pushed)

  @Override
  public void started(ContextView v) {
    if (closed) {
      return;
    }
    List<InputView> inputs = v.inputs();
    for (InputView in : inputs) {
      if (in.receiver() != null) {
        registerReceiver(in);
      }
    }
    List<StateView> states = v.states();
    for (int i = 0; i < states.size(); i++) {
      registerState(i, states.get(i).id());
    }
    registerLagGauges(inputs);
  }

  @Override
  public void batchCompleted(BatchReport r) {
    if (closed) {
      return;
    }
    BatchInfo b = r.info();
    if (b.failureReason().isPresent()) {
      failedBatches.increment();
      return;
    }
    processing.record(b.processingDelay(), TimeUnit.MILLISECONDS);
    schedulingDelay.record(b.schedulingDelay(), TimeUnit.MILLISECONDS);
    totalDelay.record(b.totalDelay(), TimeUnit.MILLISECONDS);
    if (r.replayed()) {
      replayedBatches.increment();
    }
    List<Long> perInput = r.inputRecords();
    for (int i = 0; i < perInput.size(); i++) {
      inputCounter(i).increment(perInput.get(i));
    }
    registerLagGauges(view.inputs());
  }

  @Override
  public void walAppended(int input, long nanos) {
    if (closed) {
      return;
    }
    Timer t = walAppend.get(input);
    if (t == null) {
      t = walAppend.computeIfAbsent(input, i -> timer("uji.wal.append",
          "Appending a receiver's block to its write-ahead log, serialization and force included", inputTags(i)));
    }
    t.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void walWritten(int input, int bytes) {
    if (closed) {
      return;
    }
    Counter c = walWritten.get(input);
    if (c == null) {
      c = walWritten.computeIfAbsent(input, i -> counter("uji.wal.written",
          "Bytes written to a receiver's write-ahead log (records and framing)", BaseUnits.BYTES, inputTags(i)));
    }
    c.increment(bytes);
  }

  @Override
  public void walForced(int input, long nanos) {
    if (closed) {
      return;
    }
    Timer t = walFsync.get(input);
    if (t == null) {
      t = walFsync.computeIfAbsent(input, i -> timer("uji.wal.fsync",
          "Forcing a receiver's write-ahead log to disk (fdatasync)", inputTags(i)));
    }
    t.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void checkpointCompleted(CheckpointReport r) {
    if (closed) {
      return;
    }
    checkpointDuration.record(r.durationMs(), TimeUnit.MILLISECONDS);
    checkpointCapture.record(r.batchThreadMs(), TimeUnit.MILLISECONDS);
    if (r.bytes() >= 0) {
      checkpointSize.record(r.bytes());
    }
    newestCheckpointAtMs = r.completedAtMs();
  }

  @Override
  public void recovered(RecoveryReport r) {
    if (closed) {
      return;
    }
    timer("uji.recovery.duration", "Restoring the newest usable checkpoint and queueing the batches to replay",
        context).record(r.durationMs(), TimeUnit.MILLISECONDS);
    counter("uji.recovery.batches", "Logged batches a recovery queued to run again", null, context)
        .increment(r.batchesReplayed());
  }

  @Override
  public void failed(String what, Throwable error) {
    if (!closed) {
      failures.increment();
    }
  }

  // ------------------------------------------------------------------ gauges (pulled)

  private void registerReceiver(InputView in) {
    Tags tags = inputTags(in.index());
    int i = in.index();
    keep(FunctionCounter.builder("uji.receiver.records", cache, c -> c.input(i).receiver().storedRecords())
        .description("Records a receiver stored").tags(tags).register(registry));
    keep(FunctionTimer.builder("uji.receiver.blocked", cache, c -> c.input(i).receiver().blockedCount(),
            c -> c.input(i).receiver().blockedNanos(), TimeUnit.NANOSECONDS)
        .description("Time a receiver's store calls waited for room (backpressure)").tags(tags).register(registry));
  }

  private void registerState(int i, String operator) {
    Tags tags = context.and("operator", operator);
    keep(Gauge.builder("uji.state.keys", cache, c -> c.state(i).approximateKeys())
        .description("Keys of a stateful operator (exact while cached, else RocksDB's estimate)").tags(tags)
        .strongReference(true).register(registry));
    keep(FunctionCounter.builder("uji.state.cache.gets", cache, c -> c.state(i).cacheHits())
        .description("Batch key lookups of a stateful operator, by whether the heap cache had the key")
        .tags(tags.and("result", "hit")).register(registry));
    keep(FunctionCounter.builder("uji.state.cache.gets", cache, c -> c.state(i).cacheMisses())
        .description("Batch key lookups of a stateful operator, by whether the heap cache had the key")
        .tags(tags.and("result", "miss")).register(registry));
    keep(Gauge.builder("uji.state.sst.size", cache, c -> c.state(i).sstBytes()).baseUnit(BaseUnits.BYTES)
        .description("Bytes of a stateful operator's RocksDB SST files").tags(tags).strongReference(true)
        .register(registry));
    keep(Gauge.builder("uji.state.operator.native.memory", cache, c -> c.state(i).nativeMemoryBytes())
        .baseUnit(BaseUnits.BYTES).description("A stateful operator's memtables and table readers in RocksDB")
        .tags(tags).strongReference(true).register(registry));
  }

  /** Registers a lag gauge for every partition of a replayable input not seen before. */
  private void registerLagGauges(List<InputView> inputs) {
    for (InputView in : inputs) {
      for (String partition : in.lag().keySet()) {
        if (lagGauges.add(in.index() + "/" + partition)) {
          int i = in.index();
          keep(Gauge.builder("uji.input.lag", cache, c -> c.input(i).lag().getOrDefault(partition, 0L))
              .description("Records of a replayable source's partition not yet processed")
              .tags(inputTags(i).and("partition", partition)).strongReference(true).register(registry));
        }
      }
    }
  }

  // ------------------------------------------------------------------ helpers

  private Counter inputCounter(int i) {
    Counter c = inputRecords.get(i);
    if (c == null) {
      c = inputRecords.computeIfAbsent(i, x -> counter("uji.input.records", "Records an input delivered to batches",
          null, inputTags(x)));
    }
    return c;
  }

  /** The input's name, or its name and place when two inputs have the same name (two receivers, say). */
  private Tags inputTags(int index) {
    List<InputView> inputs = view.inputs();
    String name = index < inputs.size() ? inputs.get(index).name() : "input-" + index;
    long same = inputs.stream().filter(in -> in.name().equals(name)).count();
    return context.and("input", same > 1 ? name + "#" + index : name);
  }

  private double checkpointAgeMs() {
    long at = newestCheckpointAtMs;
    return at == 0 ? Double.NaN : System.currentTimeMillis() - at;
  }

  private Timer timer(String name, String description, Tags tags) {
    return keep(Timer.builder(name).description(description).tags(tags).publishPercentiles(PERCENTILES)
        .publishPercentileHistogram().register(registry));
  }

  private Counter counter(String name, String description, String baseUnit, Tags tags) {
    return keep(Counter.builder(name).description(description).baseUnit(baseUnit).tags(tags).register(registry));
  }

  private <M extends Meter> M keep(M meter) {
    meters.add(meter);
    return meter;
  }

  @Override
  public void close() {
    closed = true;
    for (Meter m; (m = meters.poll()) != null; ) {
      registry.remove(m);
    }
  }
}
