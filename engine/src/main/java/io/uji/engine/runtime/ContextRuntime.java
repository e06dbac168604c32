package io.uji.engine.runtime;

import io.uji.engine.exec.WorkerPool;
import io.uji.engine.graph.InputNode;
import io.uji.engine.graph.StreamGraph;
import io.uji.engine.receiver.BlockStore;
import io.uji.engine.scheduler.BatchJournal;
import io.uji.engine.scheduler.BatchScheduler;
import io.uji.engine.scheduler.ListenerBus;
import io.uji.streaming.Duration;
import io.uji.streaming.StreamingConfig;
import io.uji.streaming.Time;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running parts of one started context, with one owner each: the worker pool, the
 * scheduler, the journal (lineage log and checkpoints) and the inputs. Started together and
 * closed in reverse order.
 */
public final class ContextRuntime {
  private static final Logger LOG = LoggerFactory.getLogger(ContextRuntime.class);

  private final String name;
  private final StreamingConfig config;
  private final StreamGraph graph;
  private final ListenerBus bus;
  private final Path checkpointDir;
  private final Duration checkpointInterval;
  private final Consumer<Throwable> onFailure;
  private WorkerPool pool;
  private BatchJournal journal = BatchJournal.NONE;
  private BatchScheduler scheduler;

  public ContextRuntime(String name, StreamingConfig config, StreamGraph graph, ListenerBus bus, Path checkpointDir,
      Duration checkpointInterval, Consumer<Throwable> onFailure) {
    this.name = name;
    this.config = config;
    this.graph = graph;
    this.bus = bus;
    this.checkpointDir = checkpointDir;
    this.checkpointInterval = checkpointInterval;
    this.onFailure = onFailure;
  }

  public StreamingConfig config() {
    return config;
  }

  public WorkerPool pool() {
    return pool;
  }

  public BatchScheduler scheduler() {
    return scheduler;
  }

  /** @return where receiver {@code streamId}'s blocks are made durable */
  public <T> BlockStore<T> blockStore(int streamId, String receiverName) {
    return BlockStore.none();
  }

  public void start() {
    pool = new WorkerPool(name, config.workerThreads());
    graph.setPool(pool);
    scheduler = new BatchScheduler(name, graph, config.clock(), bus, journal, onFailure);
    Time first = BatchScheduler.firstBatchTime(config.clock(), graph.batchInterval().milliseconds());
    graph.start(first.minus(graph.batchInterval()));
    for (InputNode<?> in : graph.inputs()) {
      in.start();
    }
    scheduler.start(first);
  }

  /** Stops inputs, then the scheduler (gracefully or not), then the pool and the journal. */
  public void close(boolean graceful) {
    for (InputNode<?> in : graph.inputs()) {
      try {
        in.stop();
      } catch (RuntimeException e) {
        LOG.warn("Stopping input {} failed", in.name(), e);
      }
    }
    if (scheduler != null) {
      scheduler.stop(graceful);
    }
    if (pool != null) {
      pool.close();
    }
    journal.close();
  }
}
