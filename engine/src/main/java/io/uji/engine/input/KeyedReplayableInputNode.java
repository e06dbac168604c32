package io.uji.engine.input;

import io.uji.engine.cluster.InputRange;
import io.uji.engine.cluster.KeyedSourceSpec;
import io.uji.engine.exec.Datasets;
import io.uji.engine.exec.WorkerPool;
import io.uji.engine.graph.InputNode;
import io.uji.engine.graph.Placement;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keyed input of a group (docs/design/scale-out.md section 2): its datasets have exactly P
 * partitions, partition g holding the records of partition g of every input topic, so it is
 * placed by origin ({@link Placement}) and partition g is key group g of the stateful operators
 * it feeds. Only the partitions this instance runs take input: {@link #start} begins taking a
 * partition's records at the positions the group committed, {@link #forget} stops; the others
 * stay empty. Ranges are budgeted as {@link ReplayableInputNode}'s ({@link RangeBudget}).
 *
 * <p>In a group a batch is not rebuilt from the local lineage: the group's transaction is the
 * commit point and a batch that did not commit is redone from the committed positions by the
 * partition's next owner. So {@link #resumeAt} ignores the local position.
 */
public final class KeyedReplayableInputNode<T> extends InputNode<T, PartitionRanges, PartitionOffsets> {
  private static final Logger LOG = LoggerFactory.getLogger(KeyedReplayableInputNode.class);
  private static final long WARN_EVERY_MS = 30_000;

  private final KeyedSourceSpec<T> source;
  private final int partitions;
  private final RangeBudget budget;
  /** Per running partition (key group), per source partition id, the next position to take. */
  private final Map<Integer, Map<String, Long>> next = new TreeMap<>();
  /** The key group of every source partition listed so far (any thread). */
  private final Map<String, Integer> groupOf = new ConcurrentHashMap<>();
  /** Per source partition, its end when the last batch was generated (for the lag). */
  private final Map<String, Long> lastSeenEnd = new ConcurrentHashMap<>();
  /** Per source partition, the position after the last completed batch (for the lag). */
  private final Map<String, Long> completed = new ConcurrentHashMap<>();
  private long lastUnavailableWarnMs = -WARN_EVERY_MS;
  /** How many batches took input so far: a batch's number (guarded by this). */
  private long allocations;
  /**
   * Raised by {@link #reset}: batches taken before it read nothing and commit nothing, since the
   * state they would apply to was put back to what the group committed.
   */
  private volatile long epoch;

  public KeyedReplayableInputNode(StreamGraph graph, KeyedSourceSpec<T> source, ListenerBus bus) {
    super(graph, PartitionRanges.class, PartitionOffsets.class);
    if (source.groups() <= 0) {
      throw new IllegalArgumentException("A keyed input needs partitions: " + source.identity() + " has "
          + source.groups());
    }
    this.source = source;
    this.partitions = source.groups();
    this.budget = new RangeBudget(graph.batchInterval().milliseconds(), bus);
  }

  @Override
  public String kind() {
    return "keyed-group";
  }

  @Override
  public String identity() {
    return source.identity();
  }

  @Override
  public Placement placement() {
    return Placement.byOrigin(source.identity(), partitions);
  }

  /** @return P, the number of partitions of every dataset (the key groups) */
  public int partitions() {
    return partitions;
  }

  @Override
  public void start() {
    source.start();
  }

  @Override
  public void stop() {
    source.stop();
  }

  /**
   * Takes input for partition {@code partition} from the next batch generated.
   *
   * @param start per source partition of it, the first position to take; a source partition not in
   *     the map starts at its listed start
   * @throws IllegalArgumentException if {@code partition} is not in {@code [0, P)}
   * @throws IllegalStateException if it is already taking input
   */
  public synchronized void start(int partition, Map<String, Long> start) {
    checkPartition(partition);
    if (next.containsKey(partition)) {
      throw new IllegalStateException("Partition " + partition + " of " + source.identity() + " is already read");
    }
    next.put(partition, new TreeMap<>(start));
    start.forEach((id, pos) -> {
      groupOf.put(id, partition);
      completed.put(id, pos);
    });
  }

  /**
   * Stops taking input for {@code forgotten} from the next batch generated and drops their positions.
   *
   * @return the number of the last batch that may have taken input for them (see {@link #numberOf})
   */
  public synchronized long forget(Set<Integer> forgotten) {
    for (int p : forgotten) {
      Map<String, Long> positions = next.remove(p);
      if (positions != null) {
        positions.keySet().forEach(id -> {
          lastSeenEnd.remove(id);
          completed.remove(id);
        });
      }
    }
    return allocations;
  }

  /**
   * Forgets every partition and voids the batches taken so far: they read nothing and their ranges
   * are empty ({@link #inputRanges(Allocation)}), whether queued or not yet run.
   *
   * @return the number of the last batch taken before the reset
   */
  public synchronized long reset() {
    forget(new TreeSet<>(next.keySet()));
    epoch++;
    return allocations;
  }

  /**
   * @return the batch number of {@code allocation} (1, 2, ... in the order batches took input; 0
   *     for one rebuilt from a lineage)
   */
  public long numberOf(Allocation<?> allocation) {
    return own(allocation).number;
  }

  /**
   * @return the ranges {@code allocation} took, with their key groups (none if taken before a
   *     {@link #reset})
   */
  public List<InputRange> inputRanges(Allocation<?> allocation) {
    GroupAllocation<?> a = own(allocation);
    return a.stale() ? List.of() : inputRanges(a.ranges);
  }

  private GroupAllocation<?> own(Allocation<?> allocation) {
    if (!(allocation instanceof GroupAllocation<?> a) || a.node != this) {
      throw new IllegalArgumentException(allocation + " is not an allocation of " + source.identity());
    }
    return a;
  }

  /** @return the partitions taking input, in order */
  public synchronized Set<Integer> running() {
    return new TreeSet<>(next.keySet());
  }

  private void checkPartition(int partition) {
    if (partition < 0 || partition >= partitions) {
      throw new IllegalArgumentException("Partition " + partition + " is outside [0, " + partitions + ") of "
          + source.identity());
    }
  }

  @Override
  protected synchronized Allocation<T> takeInput(Time t) {
    long number = ++allocations;
    List<RangeBudget.Backlog> backlogs = new ArrayList<>();
    try {
      for (Map.Entry<Integer, Map<String, Long>> e : next.entrySet()) {
        int group = e.getKey();
        for (SourcePartition p : source.partitions(group)) {
          groupOf.put(p.id(), group);
          lastSeenEnd.put(p.id(), p.end());
          long from = e.getValue().computeIfAbsent(p.id(), id -> p.start());
          completed.putIfAbsent(p.id(), from);
          backlogs.add(new RangeBudget.Backlog(p.id(), from, p.end()));
        }
      }
    } catch (SourceUnavailableException e) {
      long now = System.currentTimeMillis();
      if (now - lastUnavailableWarnMs >= WARN_EVERY_MS) {
        LOG.warn("Source {} is unavailable ({}); batch {} takes nothing from it", source.identity(), e.getMessage(), t);
        lastUnavailableWarnMs = now;
      }
      return new GroupAllocation<>(this, t, new PartitionRanges(List.of()), number);
    }
    List<PartitionRanges.Range> ranges = budget.take(backlogs, source.maxRatePerPartition(), true,
        ReplayableSource.DEFAULT_INITIAL_RATE_PER_PARTITION);
    for (PartitionRanges.Range r : ranges) {
      next.get(groupOf.get(r.partition())).put(r.partition(), r.until());
    }
    return new GroupAllocation<>(this, t, new PartitionRanges(ranges), number);
  }

  @Override
  protected Allocation<T> rebuild(Time t, PartitionRanges ranges) {
    for (PartitionRanges.Range r : ranges.ranges()) {
      groupOrFail(r.partition());
    }
    return new GroupAllocation<>(this, t, ranges, 0);
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
  protected void resumeAt(PartitionOffsets position) {
    // A group's positions come from what the group committed, at start(partition, ...).
  }

  /**
   * @return the batch's ranges with their key groups, in the lineage's order
   * @throws IllegalStateException if a range's source partition was never listed here
   */
  public List<InputRange> inputRanges(PartitionRanges ranges) {
    List<InputRange> out = new ArrayList<>(ranges.ranges().size());
    for (PartitionRanges.Range r : ranges.ranges()) {
      out.add(new InputRange(r.partition(), groupOrFail(r.partition()), r.from(), r.until()));
    }
    return out;
  }

  private int groupOrFail(String partition) {
    Integer g = groupOf.get(partition);
    if (g == null) {
      throw new IllegalStateException("The source partition " + partition + " of " + source.identity()
          + " is not one this instance was given");
    }
    return g;
  }

  @Override
  public Map<String, Long> lag() {
    Map<String, Long> out = new TreeMap<>();
    lastSeenEnd.forEach((p, end) -> out.put(p, Math.max(0, end - completed.getOrDefault(p, end))));
    return out;
  }

  private void completed(PartitionRanges ranges) {
    for (PartitionRanges.Range r : ranges.ranges()) {
      completed.merge(r.partition(), r.until(), Math::max);
    }
  }

  /** One batch's ranges: P dataset partitions, partition g the records of group g's ranges, read once. */
  private static final class GroupAllocation<T> implements Allocation<T> {
    private final KeyedReplayableInputNode<T> node;
    private final Time time;
    private final PartitionRanges ranges;
    private final long number;
    private final long epoch;
    private Dataset<T> data;
    private long read = -1;

    GroupAllocation(KeyedReplayableInputNode<T> node, Time time, PartitionRanges ranges, long number) {
      this.node = node;
      this.time = time;
      this.ranges = ranges;
      this.number = number;
      this.epoch = node.epoch;
    }

    /** @return whether a reset voided this batch's input after it was taken */
    boolean stale() {
      return epoch != node.epoch;
    }

    @Override
    public synchronized Dataset<T> dataset(WorkerPool pool) {
      if (data == null && stale()) {
        read = 0;
        data = Datasets.empty(node.partitions, pool);
      }
      if (data == null) {
        int n = node.partitions;
        List<List<PartitionRanges.Range>> byGroup = new ArrayList<>(n);
        for (int g = 0; g < n; g++) {
          byGroup.add(new ArrayList<>(1));
        }
        for (PartitionRanges.Range r : ranges.ranges()) {
          byGroup.get(node.groupOrFail(r.partition())).add(r);
        }
        @SuppressWarnings("unchecked")
        List<T>[] parts = new List[n];
        Datasets.<Object>empty(n, pool).runPartitions(g -> {
          List<PartitionRanges.Range> mine = byGroup.get(g);
          if (mine.isEmpty()) {
            parts[g] = List.of();
          } else if (mine.size() == 1) {
            PartitionRanges.Range r = mine.get(0);
            parts[g] = node.source.read(r.partition(), r.from(), r.until());
          } else {
            List<T> all = new ArrayList<>();
            for (PartitionRanges.Range r : mine) {
              all.addAll(node.source.read(r.partition(), r.from(), r.until()));
            }
            parts[g] = all;
          }
        });
        long total = 0;
        for (List<T> p : parts) {
          total += p.size();
        }
        read = total;
        node.budget.read(time.milliseconds(), total);
        data = Datasets.of(new ArrayList<>(List.of(parts)), pool);
      }
      return data;
    }

    @Override
    public synchronized long recordCount() {
      if (read >= 0) {
        return read;
      }
      long total = 0;
      for (PartitionRanges.Range r : ranges.ranges()) {
        total += r.size();
      }
      return total;
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
      if (!stale()) {
        node.completed(ranges);
      }
    }
  }
}
