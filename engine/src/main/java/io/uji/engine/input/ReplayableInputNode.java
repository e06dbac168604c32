package io.uji.engine.input;

import io.uji.engine.exec.Datasets;
import io.uji.engine.exec.WorkerPool;
import io.uji.engine.graph.InputNode;
import io.uji.engine.graph.PartitionSource;
import io.uji.engine.graph.StreamGraph;
import io.uji.engine.lineage.PartitionOffsets;
import io.uji.engine.lineage.PartitionRanges;
import io.uji.engine.scheduler.ListenerBus;
import io.uji.streaming.Dataset;
import io.uji.streaming.ReplayableSource;
import io.uji.streaming.SourcePartition;
import io.uji.streaming.SourceUnavailableException;
import io.uji.streaming.Time;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The input of a {@link ReplayableSource}: at each batch time it takes, per partition, the range
 * from where the previous batch stopped, bounded by the source's rate limit and by backpressure
 * ({@link RateEstimator}: no more records than recent batches show the program processes in a
 * batch interval, shared among the partitions by their backlog). The lineage is the ranges; the
 * records are read when the batch runs, one dataset partition per source partition, in
 * parallel; a replayed batch reads the same ranges again.
 *
 * <p>When one consumer alone reads the batch (a {@code mapToPair → reduceByKey}, say) and no
 * window remembers it, the records are not collected: each partition's range is read straight
 * into the consumer ({@link #sourceAt}), so that a record dies as soon as the consumer took it
 * instead of living through the batch (a batch of a million records otherwise keeps them all
 * on the heap, and every young collection of the batch copies them).
 */
public final class ReplayableInputNode<T> extends InputNode<T, PartitionRanges, PartitionOffsets> {
  private static final Logger LOG = LoggerFactory.getLogger(ReplayableInputNode.class);
  private static final long WARN_EVERY_MS = 30_000;

  private final ReplayableSource<T> source;
  private final RangeBudget budget;
  /** Per partition, the next position to take (job generator thread; recovery before start). */
  private final Map<String, Long> next = new TreeMap<>();
  /** Per partition, the position after the last record of a completed batch (batch runner). */
  private final Map<String, Long> completed = new TreeMap<>();
  /** Per partition, its end when the last batch was generated (for the lag; read by any thread). */
  private final Map<String, Long> lastSeenEnd = new ConcurrentHashMap<>();
  /** Per partition, where Uji started reading it, until a batch of it completes (for the lag). */
  private final Map<String, Long> firstTaken = new ConcurrentHashMap<>();
  /** When the last "unavailable" warning was logged; far enough in the past that the first one is ({@code now - MIN_VALUE} would overflow). */
  private long lastUnavailableWarnMs = -WARN_EVERY_MS;
  private int unavailableBatches;

  public ReplayableInputNode(StreamGraph graph, ReplayableSource<T> source, ListenerBus bus) {
    super(graph, PartitionRanges.class, PartitionOffsets.class);
    this.source = source;
    this.budget = new RangeBudget(graph.batchInterval().milliseconds(), bus);
  }

  @Override
  public String kind() {
    return "replayable";
  }

  @Override
  public String identity() {
    return source.identity();
  }

  @Override
  public void start() {
    source.start();
  }

  @Override
  public void stop() {
    source.stop();
  }

  @Override
  protected synchronized Allocation<T> takeInput(Time t) {
    List<SourcePartition> partitions;
    try {
      partitions = source.partitions();
    } catch (SourceUnavailableException e) {
      unavailableBatches++;
      long now = System.currentTimeMillis();
      if (now - lastUnavailableWarnMs >= WARN_EVERY_MS) {
        LOG.warn("Source {} is unavailable ({}); batch {} and the batches until it is back take nothing from it "
            + "({} so far)", source.identity(), e.getMessage(), t, unavailableBatches);
        lastUnavailableWarnMs = now;
      }
      return new RangesAllocation<>(this, t, new PartitionRanges(List.of()));
    }
    if (unavailableBatches > 0) {
      LOG.info("Source {} is available again after {} batches without it", source.identity(), unavailableBatches);
      unavailableBatches = 0;
    }
    return new RangesAllocation<>(this, t, new PartitionRanges(ranges(partitions)));
  }

  /**
   * The batch's records pushed straight from the source into the one consumer, when nothing else
   * reads them (same rule as a fused {@code MapPartitionsNode}); otherwise the materialized
   * dataset.
   */
  @Override
  public PartitionSource<T> sourceAt(Time t) {
    if (consumers() == 1 && slideDuration().equals(rememberDuration()) && cached(t) == null
        && allocation(t) instanceof RangesAllocation<T> a) {
      PartitionSource<T> streamed = a.streamed();
      if (streamed != null) {
        return streamed;
      }
    }
    return super.sourceAt(t);
  }

  /** Decides each partition's range for the next batch and moves past it. */
  private List<PartitionRanges.Range> ranges(List<SourcePartition> partitions) {
    List<RangeBudget.Backlog> backlogs = new ArrayList<>(partitions.size());
    for (SourcePartition p : partitions) {
      lastSeenEnd.put(p.id(), p.end());
      long from = next.computeIfAbsent(p.id(), id -> {
        long initial = source.initialPosition(p);
        firstTaken.putIfAbsent(id, initial);
        return initial;
      });
      backlogs.add(new RangeBudget.Backlog(p.id(), from, p.end()));
    }
    List<PartitionRanges.Range> out = budget.take(backlogs, source.maxRatePerPartition(), source.backpressure(),
        source.initialRatePerPartition());
    for (PartitionRanges.Range r : out) {
      next.put(r.partition(), r.until());
    }
    return out;
  }

  @Override
  protected Allocation<T> rebuild(Time t, PartitionRanges ranges) {
    synchronized (this) {
      for (PartitionRanges.Range r : ranges.ranges()) {
        next.merge(r.partition(), r.until(), Math::max);
      }
    }
    return new RangesAllocation<>(this, t, ranges);
  }

  @Override
  protected PartitionOffsets advance(PartitionOffsets before, PartitionRanges ranges) {
    Map<String, Long> m = new TreeMap<>(before == null ? Map.of() : before.next());
    for (PartitionRanges.Range r : ranges.ranges()) {
      m.merge(r.partition(), r.until(), Math::max);
    }
    return new PartitionOffsets(m);
  }

  @Override
  protected synchronized void resumeAt(PartitionOffsets position) {
    if (position != null) {
      position.next().forEach((p, n) -> next.merge(p, n, Math::max));
      completed.putAll(position.next());
    }
  }

  /**
   * The lag per partition: its end as of the last batch generated minus the position after the
   * last completed batch (the first position a partition would start from when none completed).
   * Computed from what every replayable source reports anyway, so a new source kind (Kafka)
   * needs nothing more to show its lag.
   */
  @Override
  public Map<String, Long> lag() {
    Map<String, Long> out = new TreeMap<>();
    synchronized (completed) {
      lastSeenEnd.forEach((p, end) -> {
        Long done = completed.get(p);
        out.put(p, Math.max(0, end - (done != null ? done : startOf(p))));
      });
    }
    return out;
  }

  /** The first position taken from a partition that no batch completed yet. */
  private long startOf(String partition) {
    Long taken = firstTaken.get(partition);
    return taken != null ? taken : lastSeenEnd.getOrDefault(partition, 0L);
  }

  /** A batch's ranges completed: tell the source (it may commit them for lag tools). */
  private void completed(PartitionRanges ranges) {
    Map<String, Long> snapshot;
    synchronized (completed) {
      for (PartitionRanges.Range r : ranges.ranges()) {
        completed.merge(r.partition(), r.until(), Math::max);
      }
      snapshot = new HashMap<>(completed);
    }
    if (!ranges.ranges().isEmpty()) {
      try {
        source.committed(snapshot);
      } catch (RuntimeException e) {
        LOG.warn("Source {} could not record the processed positions {} (they are in Uji's checkpoints anyway)",
            source.identity(), snapshot, e);
      }
    }
  }

  /**
   * One batch's ranges; the records are read when the batch first needs them: collected into a
   * dataset once, or pushed into a consumer ({@link #streamed}).
   */
  private static final class RangesAllocation<T> implements Allocation<T> {
    /** The most records a consumer is told to expect from one range (for presizing; 4 MiB of references). */
    private static final int MAX_SIZE_HINT = 1 << 20;

    private final ReplayableInputNode<T> node;
    private final Time time;
    private final PartitionRanges ranges;
    private Dataset<T> data;
    private long read = -1;
    /** Per range, how many records its last push handed out (-1: not pushed yet). */
    private long[] pushed;

    RangesAllocation(ReplayableInputNode<T> node, Time time, PartitionRanges ranges) {
      this.node = node;
      this.time = time;
      this.ranges = ranges;
    }

    @Override
    public synchronized Dataset<T> dataset(WorkerPool pool) {
      if (data == null) {
        List<PartitionRanges.Range> rs = ranges.ranges();
        @SuppressWarnings("unchecked")
        List<T>[] parts = new List[Math.max(1, rs.size())];
        parts[0] = List.of();
        Datasets.<Object>empty(parts.length, pool).runPartitions(i -> {
          if (i < rs.size()) {
            PartitionRanges.Range r = rs.get(i);
            parts[i] = node.source.read(r.partition(), r.from(), r.until());
          }
        });
        long n = 0;
        for (List<T> p : parts) {
          n += p.size();
        }
        read = n;
        node.budget.read(time.milliseconds(), n); // for backpressure, once the batch completes
        data = Datasets.of(new ArrayList<>(List.of(parts)), pool);
      }
      return data;
    }

    /**
     * @return the ranges as a source that reads each straight into its consumer, or null if the
     *     records were collected already or there is nothing to read (then the dataset serves)
     */
    synchronized PartitionSource<T> streamed() {
      List<PartitionRanges.Range> rs = ranges.ranges();
      if (data != null || rs.isEmpty()) {
        return null;
      }
      if (pushed == null) {
        pushed = new long[rs.size()];
        java.util.Arrays.fill(pushed, -1);
      }
      return new PartitionSource<>() {
        @Override
        public int numPartitions() {
          return rs.size();
        }

        @Override
        public int sizeHint(int p) {
          return (int) Math.min(rs.get(p).size(), MAX_SIZE_HINT);
        }

        @Override
        public void push(int p, Consumer<? super T> sink) {
          PartitionRanges.Range r = rs.get(p);
          pushedRange(p, node.source.read(r.partition(), r.from(), r.until(), sink));
        }
      };
    }

    /** Range {@code i} was pushed whole; once every range was, the batch's count is known. */
    private synchronized void pushedRange(int i, long records) {
      pushed[i] = records;
      long n = 0;
      for (long c : pushed) {
        if (c < 0) {
          return;
        }
        n += c;
      }
      read = n;
      node.budget.read(time.milliseconds(), n); // for backpressure, once the batch completes
    }

    @Override
    public synchronized long recordCount() {
      if (read >= 0) {
        return read;
      }
      long n = 0;
      for (PartitionRanges.Range r : ranges.ranges()) {
        n += r.size();
      }
      return n; // an upper bound until read: a transactional topic has markers between records
    }

    @Override
    public PartitionRanges lineage() {
      return ranges;
    }

    @Override
    public void release() {
      synchronized (this) {
        data = null;
      }
      node.completed(ranges);
    }
  }
}
