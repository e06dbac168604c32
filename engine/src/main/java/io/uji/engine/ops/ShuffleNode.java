package io.uji.engine.ops;

import io.uji.engine.exec.Datasets;
import io.uji.engine.exec.WorkerPool;
import io.uji.engine.graph.FusibleCombine;
import io.uji.engine.graph.Keys;
import io.uji.engine.graph.Node;
import io.uji.engine.graph.PartitionSource;
import io.uji.engine.graph.Placement;
import io.uji.streaming.Dataset;
import io.uji.streaming.HashPartitioner;
import io.uji.streaming.Pair;
import io.uji.streaming.Partitioner;
import io.uji.streaming.Time;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import java.util.function.Function;

/**
 * Spark's combineByKey over one batch: every input partition combines its records per key into
 * one table per output partition (map-side combine, in parallel; a {@link CombineTable}, no
 * object per key), then every output partition merges the tables meant for it (in parallel). reduceByKey, groupByKey and countByValue are this
 * node.
 *
 * <p>Over a parent placed by origin ({@link Placement}) every key's records are in one partition
 * already: each partition is combined on its own, in parallel, without a shuffle (Spark skips the
 * shuffle when the parent's partitioner fits, the same idea), and the output keeps the placement.
 */
public final class ShuffleNode<K, V, C> extends Node<Pair<K, C>> {
  private final Node<Pair<K, V>> parent;
  private final Function<? super V, ? extends C> createCombiner;
  private final BiFunction<C, ? super V, C> mergeValue;
  private final BinaryOperator<C> mergeCombiners;
  private final Partitioner partitioner;
  private final String operator;
  /** How many keys this node's tables took in the last batch: the next batch's start that large. */
  private final KeysHint keysHint = new KeysHint();

  /** @param operator the operator the user called ("reduceByKey", "countByValue", ...), named in errors */
  public ShuffleNode(Node<Pair<K, V>> parent, Function<? super V, ? extends C> createCombiner,
      BiFunction<C, ? super V, C> mergeValue, BinaryOperator<C> mergeCombiners, Partitioner partitioner,
      String operator) {
    super(parent.graph());
    this.parent = parent;
    this.createCombiner = createCombiner;
    this.mergeValue = mergeValue;
    this.mergeCombiners = mergeCombiners;
    this.partitioner = partitioner;
    this.operator = operator;
  }

  @Override
  public List<Node<?>> dependencies() {
    return List.of(parent);
  }

  @Override
  public Placement placement() {
    return parent.placement();
  }

  /**
   * One pair per key when a key's records surely meet in one output partition: by origin, or by
   * Uji's hash partitioner. A user's partitioner that sent equal keys to two partitions would
   * make two pairs of one key, which a consumer must then still group.
   */
  @Override
  public boolean keysDistinct() {
    return parent.placement().isByOrigin() || partitioner instanceof HashPartitioner;
  }

  /** Offered to a sole stateful consumer when nothing else reads this node's datasets and none is kept for a window. */
  @Override
  public FusibleCombine<K, V, C> fusibleCombine() {
    boolean keptForOneBatch = rememberDuration() != null && rememberDuration().equals(slideDuration());
    return consumers() == 1 && keptForOneBatch ? new FusibleCombine<>(parent, createCombiner, mergeValue, operator) : null;
  }

  @Override
  protected Dataset<Pair<K, C>> compute(Time t) {
    PartitionSource<Pair<K, V>> in = parent.sourceAt(t);
    if (in == null) {
      return null;
    }
    if (parent.placement().isByOrigin()) {
      return combineLocally(in, graph.pool(), createCombiner, mergeValue, operator, keysHint);
    }
    return combine(in, graph.pool(), createCombiner, mergeValue, mergeCombiners, partitioner, operator, keysHint);
  }

  /**
   * The tables of a node's combine, kept from batch to batch, and the most keys one of them held:
   * a new table starts at that size instead of growing through a dozen rebuilds, and a table is
   * reused once its batch is merged, so that its arrays (megabytes for a batch over a million
   * users) stay in the old generation instead of being allocated, promoted and collected again
   * every batch. Batches of one stream tend to look alike; a table of a batch with fewer keys
   * leaves part of its arrays empty.
   */
  static final class KeysHint {
    /** Above this a table starts no larger and grows as it fills. */
    private static final int MAX_KEYS = 3 << 20;
    /** The most tables kept for reuse (a batch uses input × output partitions of them). */
    private static final int MAX_KEPT = 64;

    private volatile int keys;
    private final java.util.concurrent.ConcurrentLinkedQueue<CombineTable<?, ?>> free =
        new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger kept = new java.util.concurrent.atomic.AtomicInteger();

    /** @return an empty table: a reused one, or a new one sized for as many keys as the last batch's largest */
    @SuppressWarnings("unchecked")
    <K, C> CombineTable<K, C> newTable() {
      CombineTable<?, ?> t = free.poll();
      if (t != null) {
        kept.decrementAndGet();
        return (CombineTable<K, C>) t;
      }
      return new CombineTable<>(keys);
    }

    /** Takes back a table whose keys and values were handed on: emptied, it serves a later batch. */
    void reuse(CombineTable<?, ?> t) {
      if (kept.incrementAndGet() > MAX_KEPT) {
        kept.decrementAndGet();
        return;
      }
      t.clear();
      free.offer(t);
    }

    /** Remembers the size of the largest of a batch's tables. */
    void record(int largest) {
      keys = Math.min(largest, MAX_KEYS);
    }
  }

  /** combineByKey of each partition on its own: output partition i holds the keys of input partition i. */
  static <K, V, C> Dataset<Pair<K, C>> combineLocally(PartitionSource<Pair<K, V>> in, WorkerPool pool,
      Function<? super V, ? extends C> createCombiner, BiFunction<C, ? super V, C> mergeValue, String operator,
      KeysHint hint) {
    int n = in.numPartitions();
    @SuppressWarnings("unchecked")
    List<Pair<K, C>>[] out = new List[n];
    int[] sizes = new int[n];
    in.runPartitions(pool, i -> {
      CombineTable<K, C> combined = hint.newTable();
      in.push(i, kv -> combined.combineValue(Keys.of(kv, operator), kv.value(), createCombiner, mergeValue));
      out[i] = pairs(combined);
      sizes[i] = combined.size();
      hint.reuse(combined);
    });
    hint.record(max(sizes));
    return Datasets.of(new ArrayList<>(List.of(out)), pool);
  }

  /** @return a table's keys and values as pairs, in the order the keys came */
  private static <K, C> List<Pair<K, C>> pairs(CombineTable<K, C> t) {
    List<Pair<K, C>> list = new ArrayList<>(t.size());
    for (int i = 0, n = t.size(); i < n; i++) {
      list.add(new Pair<>(t.key(i), t.value(i)));
    }
    return list;
  }

  private static int max(int[] values) {
    int m = 0;
    for (int v : values) {
      m = Math.max(m, v);
    }
    return m;
  }

  /**
   * combineByKey of one dataset; also used directly by window operators and keyed datasets.
   *
   * @param operator the operator the user called, named in errors
   * @throws NullPointerException if a record or its key is null
   */
  public static <K, V, C> Dataset<Pair<K, C>> combine(Dataset<Pair<K, V>> in,
      Function<? super V, ? extends C> createCombiner, BiFunction<C, ? super V, C> mergeValue,
      BinaryOperator<C> mergeCombiners, Partitioner partitioner, String operator) {
    return combine(PartitionSource.of(in), Datasets.pool(in), createCombiner, mergeValue, mergeCombiners, partitioner,
        operator, new KeysHint());
  }

  /**
   * combineByKey of the records pushed by {@code in}: each input partition combines into one map
   * per output partition (in parallel), then each output partition merges its maps (in
   * parallel). Combining costs one hash lookup per record.
   */
  static <K, V, C> Dataset<Pair<K, C>> combine(PartitionSource<Pair<K, V>> in, WorkerPool pool,
      Function<? super V, ? extends C> createCombiner, BiFunction<C, ? super V, C> mergeValue,
      BinaryOperator<C> mergeCombiners, Partitioner partitioner, String operator, KeysHint hint) {
    int m = in.numPartitions();
    int n = partitioner.numPartitions();
    @SuppressWarnings("unchecked")
    CombineTable<K, C>[][] buckets = new CombineTable[m][n];
    in.runPartitions(pool, i -> {
      CombineTable<K, C>[] mine = buckets[i];
      in.push(i, kv -> {
        K k = Keys.of(kv, operator);
        int p = partitioner.getPartition(k);
        CombineTable<K, C> b = mine[p];
        if (b == null) {
          b = mine[p] = hint.newTable();
        }
        b.combineValue(k, kv.value(), createCombiner, mergeValue);
      });
    });
    int largest = 0;
    for (CombineTable<K, C>[] fromInput : buckets) {
      for (CombineTable<K, C> b : fromInput) {
        largest = Math.max(largest, b == null ? 0 : b.size());
      }
    }
    hint.record(largest);
    return mergeBuckets(pool, buckets, n, mergeCombiners, hint);
  }

  /** Merges per-input-partition tables into {@code n} output partitions, in parallel. */
  private static <K, C> Dataset<Pair<K, C>> mergeBuckets(WorkerPool pool, CombineTable<K, C>[][] buckets, int n,
      BinaryOperator<C> mergeCombiners, KeysHint hint) {
    @SuppressWarnings("unchecked")
    List<Pair<K, C>>[] out = new List[n];
    Dataset<Object> outputs = Datasets.empty(n, pool);
    outputs.runPartitions(p -> {
      CombineTable<K, C> merged = null;
      for (CombineTable<K, C>[] fromInput : buckets) {
        CombineTable<K, C> b = fromInput[p];
        if (b == null) {
          continue;
        }
        if (merged == null) {
          merged = b;
        } else {
          merged.combineAll(b, mergeCombiners);
          hint.reuse(b);
        }
        fromInput[p] = null;
      }
      out[p] = merged == null ? new ArrayList<>(0) : pairs(merged);
      if (merged != null) {
        hint.reuse(merged);
      }
    });
    List<List<Pair<K, C>>> parts = new ArrayList<>(n);
    for (List<Pair<K, C>> l : out) {
      parts.add(l);
    }
    return Datasets.of(parts, pool);
  }
}
