package io.uji.engine.state;

import io.uji.engine.exec.Datasets;
import io.uji.engine.exec.SerializationCheck;
import io.uji.engine.exec.WorkerPool;
import io.uji.engine.graph.FusibleCombine;
import io.uji.engine.graph.Node;
import io.uji.engine.graph.PartitionSource;
import io.uji.engine.graph.Placement;
import io.uji.engine.graph.StateBinding;
import io.uji.engine.graph.StatefulNode;
import io.uji.engine.hooks.StateView;
import io.uji.state.StateEntry;
import io.uji.state.StatePartition;
import io.uji.state.StateStoreClosedException;
import io.uji.state.TableScan;
import io.uji.state.StateTable;
import io.uji.state.TableIds;
import io.uji.streaming.Dataset;
import io.uji.streaming.HashPartitioner;
import io.uji.streaming.KeyedState;
import io.uji.streaming.Pair;
import io.uji.streaming.Partitioner;
import io.uji.streaming.StreamingException;
import io.uji.streaming.Time;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the keyed-state operators share: the stable id, the state table, the per-batch split of
 * the input by state partition, the initial state, and the type check against a checkpoint.
 *
 * <p>Each batch: the parent's records are pushed into the {@link BatchSplit} (parallel per input
 * partition; a fused parent never materializes them), then {@link #computePartition} per state
 * partition in parallel, each on its own {@link StatePartition} and {@link KeyGroups}; each
 * partition drops its references to the batch's records as soon as it no longer needs them, so
 * that they die young (a record still referenced when a young collection runs is copied, and
 * promoted if it survives again: what filled the old generation and caused the full GCs). A
 * batch time is computed at most once and in increasing order: the state moves forward only.
 *
 * @param <K> key type
 * @param <V> value type of the input
 * @param <S> the user's state type
 * @param <R> what the table stores per key
 * @param <T> element type of the node's output
 */
public abstract class KeyedStateNode<K, V, S, R, T> extends Node<T> implements StatefulNode {
  private static final Logger LOG = LoggerFactory.getLogger(KeyedStateNode.class);
  private static final int INITIAL_LOAD_CHUNK = 1 << 16;

  protected final Node<Pair<K, V>> parent;
  protected final Partitioner partitioner;
  /** The declared key and state classes, or null (set before start). */
  private Class<K> keyType;
  private Class<S> stateType;
  private final Dataset<Pair<K, S>> initialState;
  /** The number of key groups; 0 until opened. */
  private int keyGroupCount;
  /**
   * Grouping scratch space, one per task running at a time rather than one per key group: each
   * holds arrays sized for a key group's share of a batch, which 128 groups would keep in the old
   * generation for nothing between their turns.
   */
  private final ConcurrentLinkedQueue<KeyGroups<K, V>> spareGroups = new ConcurrentLinkedQueue<>();
  /** Splits a batch by key group. */
  private BatchSplit<K, V> split;
  /**
   * Whether the input is placed by origin (a group's keyed stream): key group g is input partition
   * g, and the output has one partition per key group (set at open).
   */
  private boolean byOrigin;
  /** In a group, reads a changed entry's filing time from its stored bytes (operators that file times only). */
  private io.uji.serde.KryoSerde<R> storedSerde;
  /** In a group, the key groups running here (one copy per batch); null outside a group. */
  private java.util.function.Supplier<java.util.BitSet> runningGroups;
  /** In a group whose member locates keys, its locator; null otherwise. */
  private volatile io.uji.engine.cluster.KeyLocator locator;
  private final String kind;
  private String stateId;
  private boolean named;
  private List<String> formerIds = List.of();
  /** The types and key encoding as checkpoints record them ({@link StateTypes.Signature}), once known. */
  private volatile String signature;
  private StateTypes.Signature restored;
  private StateTypes.KeyEncoding encoding;
  private volatile StateTable<K, R> table;
  /**
   * Held for writing while the batch runner changes this operator's state (its computation, a
   * stateSnapshots read that may flush, a checkpoint's capture); queries hold it for reading, so
   * they see the state as of the last completed computation, never half of one.
   */
  private final ReentrantReadWriteLock stateLock = new ReentrantReadWriteLock();
  /** The classes of the first key and state stored (or declared): what queries are checked against. */
  private volatile Class<?> seenKeyClass;
  private volatile Class<?> seenStateClass;
  /** The last key count read without waiting, for views taken while a batch holds the lock. */
  private volatile long lastKeyCount = -1;
  private WorkerPool pool;
  private SerializationCheck keyCheck;
  private SerializationCheck stateCheck;
  /** Whether the types of a stored key and state were looked at (undeclared types only). */
  private volatile boolean observed;
  private long lastComputed = Long.MIN_VALUE;
  /** Why computing a batch failed, or null. */
  private volatile Throwable failure;

  @SuppressWarnings("unchecked")
  protected KeyedStateNode(Node<Pair<K, V>> parent, Partitioner partitioner, String kind, Class<K> keyType,
      Class<S> stateType, Dataset<Pair<K, S>> initialState) {
    super(parent.graph());
    this.parent = parent;
    this.partitioner = Objects.requireNonNull(partitioner, "partitioner");
    this.keyType = keyType;
    this.stateType = stateType;
    this.initialState = initialState;
    this.kind = kind;
    this.stateId = kind + "-" + id();
    this.seenKeyClass = keyType;
    this.seenStateClass = stateType;
  }

  /**
   * Declares the exact key and state classes before start: a checkpoint holding other types is
   * refused at start, and a key or state of another class fails the batch that produces it.
   *
   * @throws IllegalStateException if the context was started
   */
  public void declareTypes(Class<K> key, Class<S> state) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(state, "state");
    if (graph.isFrozen()) {
      throw new IllegalStateException("Cannot declare the types of " + describe() + " once the context started");
    }
    keyType = key;
    stateType = state;
    seenKeyClass = key;
    seenStateClass = state;
  }

  /** @return the class the table stores per key */
  protected abstract Class<R> storedType();

  /** @return the user's state in what the table stores ({@code stored} is a copy the caller owns) */
  protected abstract S userState(R stored);

  /** @return the record stored for a key of the initial state */
  protected abstract R initialRecord(S state, long firstBatchTime);

  /** Called after a partition's initial state was put, with its keys. */
  protected void initialKeysLoaded(StatePartition<K, R> partition, List<K> keys, long firstBatchTime) {}

  /**
   * Applies partition {@code p}'s share of the batch at {@code t} to its state; must call {@link
   * StatePartition#endBatch()} at the end.
   *
   * @return the node's output for that partition
   */
  protected abstract List<T> computePartition(StatePartition<K, R> partition, KeyGroups<K, V> batch, Time t);

  // ------------------------------------------------------------------ StatefulNode

  @Override
  public String stateId() {
    return stateId;
  }

  @Override
  public String kind() {
    return kind;
  }

  /**
   * Renames the operator before start (the id of its state in the store and in checkpoints).
   *
   * @throws IllegalStateException if the context was started
   * @throws IllegalArgumentException if the name is not a valid state id ({@link TableIds#check})
   *     or another stateful operator has it
   */
  public void rename(String id) {
    Objects.requireNonNull(id, "id");
    if (graph.isFrozen()) {
      throw new IllegalStateException("Cannot rename the stateful operator '" + stateId + "' once the context started");
    }
    TableIds.check(id, "name for a stateful operator");
    graph.checkStateIdFree(id, this);
    stateId = id;
    named = true;
  }

  /**
   * Records the ids the operator had before it was renamed, so that a checkpoint holding its
   * state under one of them is restored into it (and the state moved to the new id).
   *
   * @throws IllegalStateException if the context was started
   * @throws IllegalArgumentException if an id is not a valid state id or is the operator's own
   */
  public void formerly(String... ids) {
    if (graph.isFrozen()) {
      throw new IllegalStateException("Cannot change the former ids of " + describe() + " once the context started");
    }
    List<String> all = new ArrayList<>();
    for (String id : ids) {
      TableIds.check(id, "former id of a stateful operator");
      if (id.equals(stateId)) {
        throw new IllegalArgumentException("'" + id + "' is the id of " + describe() + " itself, not a former one");
      }
      all.add(id);
    }
    formerIds = List.copyOf(all);
  }

  @Override
  public boolean named() {
    return named;
  }

  @Override
  public List<String> formerIds() {
    return formerIds;
  }

  @Override
  public Node<?> node() {
    return this;
  }

  /**
   * @return the number of key groups of the operator's state (known once opened: restored state
   *     keeps the number it was created with, new state takes the context's setting); the
   *     key layout in the store depends on it
   */
  @Override
  public int numPartitions() {
    if (keyGroupCount == 0) {
      throw new IllegalStateException("The key groups of " + describe() + " are known once it is opened");
    }
    return keyGroupCount;
  }

  /**
   * Called at open, once the number of key groups is known and before any batch: allocate
   * per-group scratch space.
   */
  protected void openKeyGroups(int count) {}

  @Override
  public String typeSignature() {
    return signature;
  }

  @Override
  @SuppressWarnings("unchecked")
  public void open(StateBinding binding) {
    restored = StateTypes.Signature.parse(binding.restoredTypeSignature(stateId));
    if (keyType != null) {
      StateTypes.checkDeclared(keyType, stateType, restored, describe());
    }
    Class<K> keySerdeType = (Class<K>) StateTypes.keySerdeType(keyType, restored, describe());
    encoding = StateTypes.encodingOf(keySerdeType);
    if (keyType != null) {
      signature = new StateTypes.Signature(keyType.getName(), stateType.getName(), encoding).format();
    } else if (restored != null) {
      signature = new StateTypes.Signature(restored.keyClass(), restored.stateClass(), encoding).format();
    }
    Placement placement = parent.placement();
    byOrigin = placement.isByOrigin();
    int keyGroups = byOrigin ? originKeyGroups(binding, placement) : binding.keyGroups(stateId);
    keyGroupCount = keyGroups;
    // A key's group is its hash modulo the count, as Spark's HashPartitioner places keys: state
    // written when the partitions were the groups reads back unchanged.
    split = byOrigin ? BatchSplit.byOrigin(keyGroups) : new BatchSplit<>(new HashPartitioner(keyGroups));
    openKeyGroups(keyGroups);
    keyCheck = new SerializationCheck(binding.kryo(), "the keys of " + describe(), keyGroups);
    stateCheck = new SerializationCheck(binding.kryo(), "the state of " + describe(), keyGroups);
    if (!byOrigin && keyGroups < partitioner.numPartitions()) {
      LOG.info("The state of {} has {} key groups: its processing runs in {} parallel tasks, not the {} partitions "
          + "asked for", describe(), keyGroups, keyGroups, partitioner.numPartitions());
    }
    stateLock.writeLock().lock();
    try {
      table = binding.table(stateId, keySerdeType, storedType(), keyGroups);
      pool = binding.pool();
      if (binding.inGroup()) {
        if (!byOrigin) {
          throw new IllegalStateException(describe() + " runs in a group but its input is not placed by origin");
        }
        // Each batch's changed keys go to the changelog (drainChanges); groups not running here are
        // not computed (they may be being restored from the changelog meanwhile).
        table.captureChanges();
        runningGroups = binding::runningGroups;
        locator = binding.keyLocator();
        if (filesTimes()) {
          storedSerde = new io.uji.serde.KryoSerde<>(binding.kryo(), storedType());
        }
      }
      if (initialState != null && restored == null && isEmpty()) {
        loadInitialState();
      }
    } finally {
      stateLock.writeLock().unlock();
    }
  }

  /**
   * In a group, the state has exactly P key groups, P = the keyed input's partition count, for its
   * whole life: state written with another count (outside a group, or with a topic of another
   * partition count) would put keys in the wrong groups.
   */
  private int originKeyGroups(StateBinding binding, Placement placement) {
    int wanted = placement.partitions();
    java.util.OptionalInt recorded = binding.recordedKeyGroups(stateId);
    if (recorded.isPresent() && recorded.getAsInt() != wanted) {
      throw new StreamingException("The state of " + describe() + " has " + recorded.getAsInt() + " key groups; "
          + "its input '" + placement.source() + "' has " + wanted + " partitions, and in a group a key's group is "
          + "its input partition: use a new checkpoint directory (and a new application id)");
    }
    return wanted;
  }

  /** @return whether the program gave the operator an initial state */
  public final boolean hasInitialState() {
    return initialState != null;
  }

  /** @return the placement of the operator's input: its state is keyed by origin when this is by origin */
  public final Placement inputPlacement() {
    return parent.placement();
  }

  /** @return whether key group g is input partition g (a group's keyed stream; known once opened) */
  protected final boolean placedByOrigin() {
    return byOrigin;
  }

  // ------------------------------------------------------------------ in a group

  /**
   * Hands key group {@code group}'s changes since the last drain to {@code writer} (each changed key
   * once, its stored bytes after the batch, null for a removal). Called after the batch computed,
   * for running groups, groups in parallel.
   *
   * @return how many changes were written
   */
  public int drainChanges(int group, io.uji.engine.cluster.ChangeWriter writer) {
    io.uji.serde.KryoSerde<R> serde = storedSerde;
    return openTable().drainChanges(group, (g, key, value) -> {
      // The time index is not in the stored value's bytes as such: the changelog carries the time
      // each key is filed under, so that a restore files it alike without deserializing.
      long filedAt = value == null || serde == null ? -1 : filedAt(serde.fromBytes(value));
      writer.write(new io.uji.engine.cluster.StateChange(stateId, g, key, value, filedAt));
    });
  }

  /** @return whether the operator files its keys in the time index (a timeout) */
  protected boolean filesTimes() {
    return false;
  }

  /** @return the time {@code stored}'s key is filed under in the time index, -1 if none */
  protected long filedAt(R stored) {
    return -1;
  }

  /**
   * Writes key group {@code group}'s dirty cache entries to the store, so that the group, no longer
   * computed here, is a copy exactly as of its last drained changes (a dormant copy the changelog
   * can continue).
   */
  public void flushGroup(int group) {
    stateLock.writeLock().lock();
    try {
      openTable().partition(group).flush();
    } finally {
      stateLock.writeLock().unlock();
    }
  }

  /** Empties key group {@code group} (its state, timeouts and cached and undrained changes). */
  public void wipeGroup(int group) {
    stateLock.writeLock().lock();
    try {
      openTable().wipeGroup(group);
    } finally {
      stateLock.writeLock().unlock();
    }
  }

  /**
   * Writes changes read from a changelog into key group {@code group}, a group not running here, as
   * stored bytes (nothing deserialized).
   */
  public void applyRaw(int group, List<io.uji.engine.cluster.StateChange> changes) {
    io.uji.state.RawChunk chunk = new io.uji.state.RawChunk(changes.size());
    for (io.uji.engine.cluster.StateChange c : changes) {
      if (c.group() != group || !c.operator().equals(stateId)) {
        throw new IllegalArgumentException("A change of " + c.operator() + " group " + c.group() + " cannot be applied"
            + " to group " + group + " of " + describe());
      }
      chunk.add(c.key(), c.value(), c.value() == null ? io.uji.state.RawChunk.NOT_FILED : c.filedAt());
    }
    // A crash test's halt in the middle of a key group's restore from its changelog (a group's
    // restore applies chunk after chunk; the N-th chunk is -Duji.crash.after).
    io.uji.checkpoint.CrashPoints.hit("group.restore-chunk");
    stateLock.writeLock().lock();
    try {
      openTable().applyRaw(group, chunk);
    } finally {
      stateLock.writeLock().unlock();
    }
  }

  @Override
  public <X> X exclusively(Supplier<X> action) {
    stateLock.writeLock().lock();
    try {
      return action.get();
    } finally {
      stateLock.writeLock().unlock();
    }
  }

  // ------------------------------------------------------------------ queries (any thread)

  @Override
  public <QK, QS> KeyedState<QK, QS> queryable(Class<QK> requestedKey, Class<QS> requestedState) {
    checkRequested("key", requestedKey, seenKeyClass);
    checkRequested("state", requestedState, seenStateClass);
    return new QueryableState<>(this, requestedKey, requestedState);
  }

  private void checkRequested(String what, Class<?> requested, Class<?> known) {
    if (requested != null && known != null && !box(requested).isAssignableFrom(known)) {
      throw new IllegalArgumentException("The stateful operator '" + stateId + "' holds " + what + "s of type "
          + known.getName() + ", not " + requested.getName());
    }
  }

  private static Class<?> box(Class<?> c) {
    return c.isPrimitive() ? java.lang.invoke.MethodType.methodType(c).wrap().returnType() : c;
  }

  /** @return the declared key class, or the first key's, or null */
  Class<?> keyClass() {
    return seenKeyClass;
  }

  /** @return the declared state class, or the first state's, or null */
  Class<?> stateClass() {
    return seenStateClass;
  }

  /** @return a copy of {@code key}'s state as of the last completed batch, or null if absent */
  S readState(K key) {
    return readState(key, false);
  }

  /**
   * @param allowStandby whether a standby copy of the key's group kept here may answer (in a group
   *     whose member locates keys; where keys cannot be located only running groups answer, since a
   *     dormant copy could hold an older state of a key that now lives elsewhere)
   * @return a copy of {@code key}'s state as of the last completed batch (from a standby copy: as
   *     of the last change applied to it), or null if absent
   */
  S readState(K key, boolean allowStandby) {
    stateLock.readLock().lock();
    try {
      StateTable<K, R> t = openTable(); // first: its volatile read publishes the split set before it
      io.uji.engine.cluster.KeyLocator keys = locator;
      if (keys != null) {
        // The member knows the producers' partitioning: the key's group is the partition they
        // send it to. Only a running group answers; for any other, say where the key lives.
        io.uji.streaming.KeyLocation at = keys.locate(key);
        int g = at.keyGroup();
        // A standby copy is written only by the changelog tailer, under the write lock: a read
        // sees it between two applied chunks, possibly behind the active copy.
        boolean here = g < keyGroupCount && (runningGroups.get().get(g) || allowStandby && at.localStandby());
        if (!here) {
          throw new io.uji.streaming.StateNotLocalException(stateId, key, at);
        }
        R r = t.partition(g).readCopy(key);
        return r == null ? null : userState(r);
      }
      if (byOrigin) {
        // A key's group is the input partition it came from, which the key does not tell. In a
        // group only the running groups answer (others are copies being restored or kept).
        java.util.BitSet running = runningGroups == null ? null : runningGroups.get();
        for (int g = 0; g < keyGroupCount; g++) {
          if (running != null && !running.get(g)) {
            continue;
          }
          R r = t.partition(g).readCopy(key);
          if (r != null) {
            return userState(r);
          }
        }
        return null;
      }
      R r = t.partition(split.keyGroupOf(key)).readCopy(key);
      return r == null ? null : userState(r);
    } finally {
      stateLock.readLock().unlock();
    }
  }

  /**
   * @return where {@code key}'s state lives: outside a group, here, in the group its hash picks;
   *     in a group, as the member's locator says
   * @throws IllegalStateException in a group whose member cannot locate keys
   */
  io.uji.streaming.KeyLocation locate(K key) {
    io.uji.engine.cluster.KeyLocator keys = locator;
    if (keys != null) {
      return keys.locate(key);
    }
    if (runningGroups != null) {
      throw new IllegalStateException("The state '" + stateId + "' runs in a group whose membership cannot locate"
          + " keys");
    }
    BatchSplit<K, V> s = split;
    if (s == null) {
      throw new IllegalStateException("The state '" + stateId + "' cannot locate keys before its context starts");
    }
    return new io.uji.streaming.KeyLocation(s.keyGroupOf(key), true, false, java.util.Optional.empty(),
        java.util.List.of());
  }

  /** @return every (key, state) as of the last completed batch; the caller closes it */
  Stream<Pair<K, S>> scanStates() {
    TableScan<K, R> scan;
    stateLock.readLock().lock();
    try {
      scan = openTable().openScan();
    } finally {
      stateLock.readLock().unlock();
    }
    Spliterator<StateEntry<K, R>> entries = Spliterators.spliteratorUnknownSize(scan, Spliterator.NONNULL);
    Stream<StateEntry<K, R>> all = StreamSupport.stream(entries, false);
    if (runningGroups != null) {
      // In a group only the running groups answer; the scan also meets dormant copies and groups
      // being restored, and an entry does not tell its group: keep the keys a running group has.
      java.util.BitSet running = runningGroups.get();
      all = all.filter(e -> inGroups(e.key(), running));
    }
    return all.map(e -> new Pair<>(e.key(), userState(e.state()))).onClose(scan::close);
  }

  /** @return whether one of {@code groups} holds {@code key} now */
  private boolean inGroups(K key, java.util.BitSet groups) {
    stateLock.readLock().lock();
    try {
      StateTable<K, R> t = openTable();
      for (int g = groups.nextSetBit(0); g >= 0; g = groups.nextSetBit(g + 1)) {
        if (t.partition(g).readCopy(key) != null) {
          return true;
        }
      }
      return false;
    } finally {
      stateLock.readLock().unlock();
    }
  }

  /**
   * @return whether key group {@code g} runs here: always outside a group; in a group, false for
   *     a dormant copy or a group being restored (they must not show in outputs of the state)
   */
  protected final boolean runsHere(int g) {
    java.util.function.Supplier<java.util.BitSet> running = runningGroups;
    return running == null || running.get().get(g);
  }

  /** @return the number of keys as of the last completed batch (see {@link StateTable#approximateKeyCount}) */
  long approximateCount() {
    stateLock.readLock().lock();
    try {
      long n = openTable().approximateKeyCount();
      lastKeyCount = n;
      return n;
    } finally {
      stateLock.readLock().unlock();
    }
  }

  private StateTable<K, R> openTable() {
    StateTable<K, R> t = table;
    if (t == null) {
      throw new IllegalStateException("The state of '" + stateId + "' can be read once the context started");
    }
    return t;
  }

  @Override
  public StateView view() {
    StateTypes.Signature sig = StateTypes.Signature.parse(signature);
    String key = sig == null ? null : sig.keyClass();
    String state = sig == null ? null : sig.stateClass();
    StateTable<K, R> t = table;
    if (t == null) {
      return new StateView(stateId, kind, 0, key, state, -1, 0, 0, 0, 0);
    }
    long lookups = t.cacheLookups();
    long misses = t.cacheMisses();
    long keys = lastKeyCount;
    long sst = 0;
    long memory = 0;
    try {
      // Never wait for a batch: a scrape or a page refresh takes the last count instead.
      if (stateLock.readLock().tryLock()) {
        try {
          keys = t.approximateKeyCount();
          lastKeyCount = keys;
        } finally {
          stateLock.readLock().unlock();
        }
      }
      sst = t.sstBytes();
      memory = t.nativeMemoryBytes();
    } catch (StateStoreClosedException e) {
      // stopped: the counters and the last key count stand; RocksDB's figures are gone
    }
    return new StateView(stateId, kind, keyGroupCount, key, state, keys, lookups - misses, misses, sst, memory);
  }

  @Override
  public void commit(Time t) {
    // Nothing to do: a batch's changes are final once compute returned (its partitions ended
    // their batch); durability comes from the store's checkpoints, which flush the caches.
  }

  // ------------------------------------------------------------------ computing

  @Override
  public List<Node<?>> dependencies() {
    return List.of(parent);
  }

  @Override
  protected Dataset<T> compute(Time t) {
    if (table == null) {
      throw new IllegalStateException("The stateful operator '" + stateId + "' was not opened");
    }
    if (t.milliseconds() <= lastComputed) {
      throw new IllegalStateException("The state of '" + stateId + "' is already at " + lastComputed
          + " ms; it cannot compute the earlier batch " + t);
    }
    if (failure != null) {
      throw new IllegalStateException("The state of " + describe() + " may be partly updated by a batch that failed"
          + " earlier (" + failure + "); it cannot compute batch " + t, failure);
    }
    stateLock.writeLock().lock();
    try {
      return computeLocked(t);
    } finally {
      stateLock.writeLock().unlock();
    }
  }

  /**
   * @return whether {@link #computePartition} looks groups up by key ({@link KeyGroups#find}, as
   *     updateStateByKey's pass over every key does): then the batch is grouped through a hash
   *     table even when the parent's keys are distinct
   */
  protected boolean findsGroupsByKey() {
    return true;
  }

  private Dataset<T> computeLocked(Time t) {
    int keyGroups = keyGroupCount;
    // Workers take contiguous ranges of key groups: the state does not depend on the parallelism.
    // By origin, one task per group: output partition g is key group g, so the output keeps the placement.
    int tasks = byOrigin ? keyGroups : Math.min(partitioner.numPartitions(), keyGroups);
    FusibleCombine<K, Object, V> combine = fusedCombine(t);
    boolean distinctKeys = combine == null && parent.keysDistinct() && !findsGroupsByKey();
    @SuppressWarnings("unchecked")
    List<T>[] out = new List[tasks];
    try {
      if (combine == null) {
        split.load(parent.sourceAt(t), pool, describe());
      } else {
        // Until combineGroups folds them, the split holds the combine's input values, not V's.
        @SuppressWarnings({"unchecked", "rawtypes"})
        PartitionSource<Pair<K, V>> input = (PartitionSource) combine.input().sourceAt(t);
        split.load(input, pool, combine.operator());
      }
      java.util.BitSet running = runningGroups == null ? null : runningGroups.get();
      pool.run(tasks, task -> {
        int first = firstGroup(task, tasks, keyGroups);
        int end = firstGroup(task + 1, tasks, keyGroups);
        // The groups' outputs first, then one list of their total size: growing one list group by
        // group copied it at every doubling (a batch's whole output, several times over).
        @SuppressWarnings("unchecked")
        List<T>[] byGroup = new List[end - first];
        int total = 0;
        KeyGroups<K, V> spare = spareGroups.poll();
        KeyGroups<K, V> batch = spare != null ? spare : new KeyGroups<>();
        for (int g = first; g < end; g++) {
          if (running != null && !running.get(g)) {
            split.release(g); // a group not running here has no input; its state is not touched
            byGroup[g - first] = List.of();
            continue;
          }
          if (distinctKeys) {
            batch.fillDistinct(split, g);
          } else {
            batch.fill(split, g);
          }
          if (combine != null) {
            batch.combineGroups(combine.createCombiner(), combine.mergeValue());
          }
          split.release(g);
          try {
            byGroup[g - first] = computePartition(table.partition(g), batch, t);
          } finally {
            batch.release();
          }
          total += byGroup[g - first].size();
        }
        spareGroups.offer(batch);
        if (byGroup.length == 1) {
          out[task] = byGroup[0];
          return;
        }
        List<T> taskOut = new ArrayList<>(total);
        for (List<T> o : byGroup) {
          taskOut.addAll(o);
        }
        out[task] = taskOut;
      });
    } catch (RuntimeException | Error e) {
      // Some key groups may have applied the batch: running it again would apply it twice there.
      failure = e;
      throw e;
    }
    lastComputed = t.milliseconds();
    List<List<T>> parts = new ArrayList<>(tasks);
    for (List<T> o : out) {
      parts.add(o);
    }
    return Datasets.of(parts, pool);
  }

  /**
   * @return the parent's combine by key, when this operator runs it as it groups batch {@code t}
   *     (the parent offers it and has not computed its dataset at {@code t} already); null otherwise
   */
  @SuppressWarnings("unchecked")
  private FusibleCombine<K, Object, V> fusedCombine(Time t) {
    if (parent.remembered(t) != null) {
      return null;
    }
    // The parent is a Node<Pair<K, V>>: a combine it stands for yields V from its input's values.
    return (FusibleCombine<K, Object, V>) parent.fusibleCombine();
  }

  /** @return the key group {@code key} belongs to (after open) */
  protected final int keyGroupOf(K key) {
    return split.keyGroupOf(key);
  }

  /** @return the first key group of task {@code task} of {@code tasks} (the groups split evenly) */
  static int firstGroup(int task, int tasks, int keyGroups) {
    return (int) ((long) keyGroups * task / tasks);
  }

  /** @return the table (after open) */
  protected final StateTable<K, R> table() {
    return table;
  }

  public final WorkerPool pool() {
    return pool;
  }

  /**
   * Called for every key put into the state that was not in it: checks that the key and state
   * are of the declared types and can be checkpointed (once per shape of value, see {@link
   * SerializationCheck}), and records the types of the first key and state stored, when none were
   * declared.
   *
   * @param partition the state partition (the caller's slot of the check's fast path)
   * @throws StreamingException if the key or state is of another class than declared, or cannot
   *     be serialized
   */
  protected final void observe(int partition, K key, S state) {
    if (keyType != null && key != null && !keyType.isInstance(key)) {
      throw new StreamingException(describe() + ": a key of " + key.getClass().getName()
          + " is not of its declared key type " + keyType.getName());
    }
    keyCheck.check(partition, key);
    checkState(partition, state);
    if (keyType == null && !observed && key != null && state != null) {
      synchronized (this) {
        if (!observed) {
          observed = true;
          seenKeyClass = key.getClass();
          seenStateClass = state.getClass();
          String types = key.getClass().getName() + "/" + state.getClass().getName();
          if (restored != null && !restored.types().equals(types)) {
            // Undeclared types are observed from values, whose classes may legitimately vary (a
            // List implementation, a subclass); warn rather than refuse.
            LOG.warn("The stateful operator {} has key/state types {} but its checkpoint holds {} (declare the types"
                + " with .types(...) to make this an error)", describe(), types, restored.types());
          }
          if (signature == null) {
            signature = new StateTypes.Signature(key.getClass().getName(), state.getClass().getName(), encoding)
                .format();
          }
        }
      }
    }
  }

  /**
   * Called for every new state of a key already in the state (and by {@link #observe}): checks
   * that it is of the declared type and can be checkpointed.
   *
   * @throws StreamingException if it is of another class than declared, or cannot be serialized
   */
  protected final void checkState(int partition, S state) {
    if (stateType != null && state != null && !stateType.isInstance(state)) {
      throw new StreamingException(describe() + ": its function returned a state of "
          + state.getClass().getName() + ", not of its declared state type " + stateType.getName());
    }
    stateCheck.check(partition, state);
  }

  private boolean isEmpty() {
    boolean[] any = new boolean[1];
    for (int p = 0; p < keyGroupCount && !any[0]; p++) {
      table.partition(p).forEach((k, v) -> any[0] = true);
    }
    return !any[0];
  }

  /** Puts the initial state, keys counted as seen at the first batch time. */
  private void loadInitialState() {
    long first = zeroTime().plus(slideDuration()).milliseconds();
    int n = keyGroupCount;
    List<List<Pair<K, S>>> byPartition = new ArrayList<>(n);
    for (int p = 0; p < n; p++) {
      byPartition.add(new ArrayList<>());
    }
    long count = 0;
    for (List<Pair<K, S>> part : initialState.partitions()) {
      for (Pair<K, S> kv : part) {
        byPartition.get(split.keyGroupOf(kv.key())).add(kv);
        count++;
      }
    }
    pool.run(n, p -> {
      StatePartition<K, R> sp = table.partition(p);
      List<Pair<K, S>> pairs = byPartition.get(p);
      List<K> keys = new ArrayList<>(pairs.size());
      for (int i = 0; i < pairs.size(); i++) {
        Pair<K, S> kv = pairs.get(i);
        Objects.requireNonNull(kv.value(), "a state of the initial state is null");
        sp.put(kv.key(), initialRecord(kv.value(), first));
        observe(p, kv.key(), kv.value());
        keys.add(kv.key());
        if ((i + 1) % INITIAL_LOAD_CHUNK == 0) {
          sp.endBatch(); // keeps the cache within its bound while loading a large initial state
        }
      }
      initialKeysLoaded(sp, keys, first);
      sp.endBatch();
    });
    LOG.info("Stateful operator '{}': loaded {} keys of initial state", stateId, count);
  }

  @Override
  public boolean failed() {
    return failure != null;
  }

  /** @return the operator in the user's terms, e.g. {@code updateStateByKey 'totals'} */
  @Override
  public final String describe() {
    return kind + " '" + stateId + "'";
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "#" + id() + "[" + stateId + "]";
  }
}
