package io.uji.engine.scheduler;

import io.uji.checkpoint.CrashPoints;
import io.uji.engine.graph.InputNode;
import io.uji.engine.graph.OutputOperation;
import io.uji.engine.graph.StatefulNode;
import io.uji.engine.graph.StreamGraph;
import io.uji.engine.hooks.BatchReport;
import io.uji.engine.hooks.EngineObserver;
import io.uji.streaming.BatchInfo;
import io.uji.streaming.Clock;
import io.uji.streaming.Time;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts the input into batches at every batch interval and runs them in order.
 *
 * <p>Two threads: the <em>generator</em> waits on the clock for each batch time, takes every
 * input's share ({@link InputNode#allocate}), has the journal make the lineage durable and queues
 * the batch; the <em>runner</em> runs queued batches one at a time: every output operation in
 * registration order, every stateful node (computed even without an output), the state commit,
 * then the journal's checkpoint. Batches therefore complete strictly in time order. An output
 * operation that fails is retried or skipped when its error policy says so ({@link
 * OutputRunner}); any other failure of a batch stops the context (its error is handed to {@code
 * onFailure}): running later batches on top of partial state could count twice.
 */
public final class BatchScheduler {
  private static final Logger LOG = LoggerFactory.getLogger(BatchScheduler.class);
  private static final Batch POISON = new Batch(-1, new Time(Long.MIN_VALUE), 0, List.of(), false);
  /** Queued last by a graceful stop: the runner takes the final checkpoint, then ends. */
  private static final Batch FINAL = new Batch(-2, new Time(Long.MIN_VALUE), 0, List.of(), false);

  private final String name;
  private final StreamGraph graph;
  private final Clock clock;
  private final ListenerBus bus;
  private final BatchJournal journal;
  private final Consumer<Throwable> onFailure;
  private final EngineObserver observer;
  private final LinkedBlockingQueue<Batch> queue = new LinkedBlockingQueue<>();
  private final Object generateLock = new Object();
  private Thread generator;
  private Thread runner;
  private volatile long nextTime;
  private volatile boolean stopping;
  private long nextSeq = 1;
  private volatile long lastGenerated = Long.MIN_VALUE;
  private final OutputErrorCounters outputErrors = new OutputErrorCounters();
  private final OutputRunner outputs;

  /** @param observer told of every batch run ({@link EngineObserver#NONE}: nothing is built for it) */
  public BatchScheduler(String name, StreamGraph graph, Clock clock, ListenerBus bus, BatchJournal journal,
      Consumer<Throwable> onFailure, EngineObserver observer) {
    this.observer = observer;
    this.name = name;
    this.graph = graph;
    this.clock = clock;
    this.bus = bus;
    this.journal = journal;
    this.onFailure = onFailure;
    this.outputs = new OutputRunner(graph, clock, bus, outputErrors);
  }

  /** @return how often output operations failed, were retried and skipped (for metrics) */
  public OutputErrorCounters outputErrors() {
    return outputErrors;
  }

  /** @return the first batch time for a start now: the next multiple of the interval (Spark's RecurringTimer) */
  public static Time firstBatchTime(Clock clock, long intervalMs) {
    return new Time((Math.floorDiv(clock.getTimeMillis(), intervalMs) + 1) * intervalMs);
  }

  /**
   * Queues a batch rebuilt from the lineage log (recovery); must be called before {@link #start}
   * in time order.
   */
  public void enqueueReplay(Batch batch) {
    queue.add(batch);
    nextSeq = batch.seq() + 1;
    lastGenerated = batch.time().milliseconds();
    bus.post(l -> l.onBatchSubmitted(info(batch, -1, -1, null)));
  }

  /** Continues numbering and timing after batch {@code seq} at {@code timeMs} (recovery). */
  public void resumeAfter(long seq, long timeMs) {
    nextSeq = Math.max(nextSeq, seq + 1);
    lastGenerated = Math.max(lastGenerated, timeMs);
  }

  /**
   * Starts generating at {@code firstTime} (or after the last replayed batch, whichever is later:
   * batch times missed while the process was down are skipped, not generated) and running batches.
   */
  public void start(Time firstTime) {
    long interval = graph.batchInterval().milliseconds();
    nextTime = lastGenerated == Long.MIN_VALUE ? firstTime.milliseconds()
        : Math.max(firstTime.milliseconds(), lastGenerated + interval);
    runner = new Thread(this::runLoop, name + "-batch-runner");
    generator = new Thread(this::generateLoop, name + "-job-generator");
    runner.setDaemon(true);
    generator.setDaemon(true);
    runner.start();
    generator.start();
  }

  private void generateLoop() {
    long interval = graph.batchInterval().milliseconds();
    try {
      while (!Thread.currentThread().isInterrupted()) {
        clock.waitTillTime(nextTime);
        synchronized (generateLock) {
          if (Thread.currentThread().isInterrupted()) {
            return;
          }
          generate(new Time(nextTime));
          nextTime += interval;
        }
      }
    } catch (InterruptedException e) {
      // stop() interrupts the generator between batches; nothing is half generated.
    } catch (Throwable t) {
      LOG.error("Generating the batch at {} failed; stopping", nextTime, t);
      observer.failed("generating the batch at " + nextTime + " ms", t);
      onFailure.accept(t);
    }
  }

  private void generate(Time t) {
    List<InputNode.Allocation<?>> inputs = new ArrayList<>(graph.inputs().size());
    for (InputNode<?, ?, ?> in : graph.inputs()) {
      inputs.add(in.allocate(t));
    }
    Batch batch = new Batch(nextSeq++, t, clock.getTimeMillis(), inputs, false);
    journal.logBatch(batch);
    lastGenerated = t.milliseconds();
    // Posted before queueing: once queued, the runner may post onBatchStarted at once.
    bus.post(l -> l.onBatchSubmitted(info(batch, -1, -1, null)));
    queue.add(batch);
  }

  private void runLoop() {
    try {
      while (true) {
        Batch b = queue.take();
        if (b == POISON) {
          return;
        }
        if (b == FINAL) {
          finalCheckpoint();
          return;
        }
        if (!runBatch(b)) {
          return;
        }
      }
    } catch (InterruptedException e) {
      // stopped without waiting for queued batches
    }
  }

  private void finalCheckpoint() {
    try {
      journal.finalCheckpoint();
    } catch (RuntimeException | Error e) {
      LOG.error("The final checkpoint of the graceful stop failed; the next start replays the batches after the"
          + " last checkpoint", e);
      onFailure.accept(e);
    }
  }

  private boolean runBatch(Batch b) {
    Time t = b.time();
    long start = clock.getTimeMillis();
    bus.post(l -> l.onBatchStarted(info(b, start, -1, null)));
    if (b.replay()) {
      // Reached only when recovery found batches logged after the checkpoint: a crash test that
      // needs a crash while replaying arranges it here instead of hoping a batch is left over.
      CrashPoints.hit("batch.replay");
    }
    // What the batch is doing, for the one error line that reports a failure.
    String[] step = {"its start"};
    String[] aborted = {null};
    try {
      graph.runBatch(t, () -> {
        for (OutputOperation<?> out : graph.outputs()) {
          step[0] = "output operation " + out.id() + " (" + out.describe() + ")";
          outputs.run(out, t);
        }
        for (StatefulNode s : graph.statefulNodes()) {
          step[0] = s.describe();
          s.node().getOrCompute(t);
        }
        step[0] = "the state commit";
        CrashPoints.hit("batch.before-state-commit");
        for (StatefulNode s : graph.statefulNodes()) {
          s.commit(t);
        }
        CrashPoints.hit("batch.after-state-commit");
        step[0] = "its commit";
        aborted[0] = journal.commitBatch(b);
        if (aborted[0] == null) {
          // Committed (in a group: the batch's Kafka transaction, unless a rebalance deferred it), not
          // yet recorded as completed.
          CrashPoints.hit("batch.after-commit");
        }
        for (InputNode<?, ?, ?> in : graph.inputs()) {
          in.onBatchCompleted(t);
        }
        graph.clearMetadata(t);
      });
      if (aborted[0] != null) {
        // In a group: nothing of the batch counts, the partitions' next owner redoes its input.
        long end = clock.getTimeMillis();
        LOG.warn("Batch {} was not committed: {}", t, aborted[0]);
        bus.post(l -> l.onBatchCompleted(info(b, start, end, aborted[0])));
        report(b, start, end, aborted[0]);
        synchronized (this) {
          notifyAll();
        }
        return true;
      }
      step[0] = "its checkpoint";
      journal.batchCompleted(t);
      long end = clock.getTimeMillis();
      bus.post(l -> l.onBatchCompleted(info(b, start, end, null)));
      report(b, start, end, null);
      synchronized (this) {
        notifyAll();
      }
      return true;
    } catch (Throwable e) {
      long end = clock.getTimeMillis();
      String reason = String.valueOf(e);
      bus.post(l -> l.onBatchCompleted(info(b, start, end, reason)));
      report(b, start, end, reason);
      // A non-graceful stop interrupts the running batch; whatever the interrupted user code
      // threw then (often a wrapped InterruptedException) is the stop, not a failure.
      if (stopping || Thread.currentThread().isInterrupted() || e instanceof InterruptedException
          || e instanceof io.uji.engine.exec.WorkerPool.TaskInterruptedException) {
        LOG.info("Batch {} interrupted by stop", t);
      } else {
        LOG.error("Batch {} failed in {}; stopping the context", t, step[0], e);
        onFailure.accept(e);
      }
      return false;
    }
  }

  /** Tells the observer, if any (nothing is allocated for an unobserved context). */
  private void report(Batch b, long start, long end, String failure) {
    if (observer == EngineObserver.NONE) {
      return;
    }
    List<Long> perInput = new ArrayList<>(b.inputs().size());
    for (InputNode.Allocation<?> a : b.inputs()) {
      perInput.add(Math.max(0, a.recordCount()));
    }
    try {
      observer.batchCompleted(new BatchReport(info(b, start, end, failure), b.seq(), b.replay(), perInput));
    } catch (RuntimeException e) {
      LOG.warn("An observer failed on batch {}", b.time(), e);
    }
  }

  private BatchInfo info(Batch b, long start, long end, String failure) {
    return new BatchInfo(b.time(), b.recordCount(), b.submissionTime(), start, end, Optional.ofNullable(failure),
        b.replay());
  }

  /**
   * Stops generating. When {@code graceful}, first generates one last batch (at the next batch
   * time, without waiting for the clock) holding everything the inputs still have, then waits
   * until every queued batch ran and the journal took its final checkpoint; otherwise drops
   * queued batches and interrupts the running one.
   */
  public void stop(boolean graceful) {
    if (generator == null) {
      return;
    }
    synchronized (generateLock) {
      generator.interrupt();
    }
    join(generator);
    if (graceful && runner.isAlive()) {
      synchronized (generateLock) {
        try {
          generate(new Time(nextTime));
        } catch (RuntimeException e) {
          LOG.warn("Generating the last batch on graceful stop failed", e);
        }
      }
      queue.add(FINAL);
      join(runner);
    } else {
      stopping = true;
      queue.clear();
      queue.add(POISON);
      runner.interrupt();
      join(runner);
    }
  }

  private static void join(Thread t) {
    try {
      t.join(60_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (t.isAlive()) {
      LOG.warn("Thread {} did not end within 60 s", t.getName());
    }
  }
}
