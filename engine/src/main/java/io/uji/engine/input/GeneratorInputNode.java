package io.uji.engine.input;

import io.uji.engine.exec.Datasets;
import io.uji.engine.exec.WorkerPool;
import io.uji.engine.graph.InputNode;
import io.uji.engine.graph.StreamGraph;
import io.uji.engine.lineage.NextOffset;
import io.uji.engine.lineage.OffsetRange;
import io.uji.streaming.Dataset;
import io.uji.streaming.GeneratorSpec;
import io.uji.streaming.Time;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * A deterministic generator (the Spark notebook's dummy source): event {@code i} is
 * {@code spec.eventAt(i)}. Each batch takes the next range of event numbers: the events due at
 * the batch time under the rate, or a fixed count per batch when running as fast as possible.
 * The lineage is the range, so a batch is replayed exactly without a write-ahead log. Records
 * are generated when the batch runs, partitions in parallel.
 */
public final class GeneratorInputNode<T> extends InputNode<T, OffsetRange, NextOffset> {
  private final GeneratorSpec<T> spec;
  private final int partitions;
  private long next;
  private Time rateStart;
  private long rateBase;

  public GeneratorInputNode(StreamGraph graph, GeneratorSpec<T> spec, int partitions) {
    super(graph, OffsetRange.class, NextOffset.class);
    this.spec = spec;
    this.partitions = partitions;
  }

  @Override
  public String kind() {
    return "generator";
  }

  @Override
  public String identity() {
    return spec.identity() == null ? "" : spec.identity();
  }

  @Override
  protected NextOffset advance(NextOffset before, OffsetRange range) {
    return new NextOffset(Math.max(before == null ? 0 : before.offset(), range.until()));
  }

  /** Continues after the end of the last logged batch. */
  @Override
  protected synchronized void resumeAt(NextOffset position) {
    if (position != null) {
      this.next = Math.max(next, position.offset());
      this.rateStart = null;
    }
  }

  @Override
  protected synchronized Allocation<T> takeInput(Time t) {
    long count = spec.maxEventsPerBatch();
    if (spec.ratePerSecond() > 0) {
      if (rateStart == null) {
        // The rate counts from the batch before the first one this run generates, so a restart
        // after downtime does not try to catch up on the events "missed" while down.
        rateStart = t.minus(graph.batchInterval());
        rateBase = next;
      }
      long due = spec.ratePerSecond() * (t.milliseconds() - rateStart.milliseconds()) / 1000;
      count = Math.min(count, Math.max(0, due - (next - rateBase)));
    }
    if (spec.totalEvents() >= 0) {
      count = Math.min(count, spec.totalEvents() - next);
    }
    long from = next;
    next += count;
    return new RangeAllocation<>(spec.eventAt(), from, next, partitions);
  }

  @Override
  protected Allocation<T> rebuild(Time t, OffsetRange r) {
    synchronized (this) {
      next = Math.max(next, r.until());
    }
    return new RangeAllocation<>(spec.eventAt(), r.from(), r.until(), partitions);
  }

  private record RangeAllocation<T>(LongFunction<T> eventAt, long from, long until, int partitions)
      implements Allocation<T> {
    @Override
    public Dataset<T> dataset(WorkerPool pool) {
      Dataset<Object> slots = Datasets.empty(partitions, pool);
      @SuppressWarnings("unchecked")
      List<T>[] parts = new List[partitions];
      slots.runPartitions(p -> {
        long a = from + (until - from) * p / partitions;
        long b = from + (until - from) * (p + 1) / partitions;
        List<T> list = new ArrayList<>((int) (b - a));
        for (long i = a; i < b; i++) {
          list.add(eventAt.apply(i));
        }
        parts[p] = list;
      });
      return Datasets.of(new ArrayList<>(List.of(parts)), pool);
    }

    @Override
    public long recordCount() {
      return until - from;
    }

    @Override
    public OffsetRange lineage() {
      return new OffsetRange(from, until);
    }
  }
}
