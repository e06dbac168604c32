package io.uji.engine.runtime;

import io.uji.checkpoint.CheckpointDirectory;
import io.uji.checkpoint.FsyncPolicy;
import io.uji.checkpoint.LogConfig;
import io.uji.checkpoint.SegmentedLog;
import io.uji.engine.exec.WorkerPool;
import io.uji.engine.graph.InputNode;
import io.uji.engine.graph.OutputOperation;
import io.uji.engine.graph.StatefulNode;
import io.uji.engine.graph.StreamGraph;
import io.uji.engine.hooks.EngineObserver;
import io.uji.engine.hooks.RecoveryReport;
import io.uji.engine.input.ReceiverInputNode;
import io.uji.engine.receiver.BlockStore;
import io.uji.engine.scheduler.BatchJournal;
import io.uji.engine.scheduler.BatchScheduler;
import io.uji.engine.scheduler.ListenerBus;
import io.uji.serde.KryoPool;
import io.uji.serde.KryoRegistry;
import io.uji.serde.KryoSerde;
import io.uji.state.Compaction;
import io.uji.state.StateStore;
import io.uji.state.StateStoreConfig;
import io.uji.streaming.Duration;
import io.uji.streaming.StreamingConfig;
import io.uji.streaming.Time;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Consumer;
import org.apache.commons.io.file.PathUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running parts of one started context, each with one owner here: the worker pool, the state
 * store, the checkpoint directory with its logs, the scheduler and the inputs. Started together
 * and closed in reverse order.
 *
 * <p>With a checkpoint directory, {@link #start} first recovers: restores the newest usable
 * checkpoint's state, re-registers the inputs of the batches that windows may still need, queues
 * the logged batches after the checkpoint for replay (outputs run again with the same time and
 * data), hands receivers the blocks they had stored but no batch took yet, and only then starts
 * receiving and generating new batches.
 */
public final class ContextRuntime {
  private static final Logger LOG = LoggerFactory.getLogger(ContextRuntime.class);

  private final String name;
  private final StreamingConfig config;
  private final StreamGraph graph;
  private final ListenerBus bus;
  private final Path checkpointPath;
  private final Duration checkpointInterval;
  private final Consumer<Throwable> onFailure;
  private final EngineObserver observer;
  private final KryoRegistry registry;
  private final KryoPool kryo;
  private WorkerPool pool;
  private ReceiverWals wals;
  private CheckpointDirectory checkpointDir;
  private StateStore store;
  private Path temporaryStateDir;
  private BatchJournal journal = BatchJournal.NONE;
  private BatchScheduler scheduler;
  /** How the restored checkpoint's state maps onto the program's operators (none on a fresh start). */
  private StateMigration restoredState = StateMigration.none();
  /** In a group, the type signatures of the operators of the local checkpoint restored, by operator. */
  private final java.util.Map<String, String> groupRestoredSignatures = new java.util.HashMap<>();
  /** True when the state was restored from a checkpoint: tables are preloaded as they open. */
  private boolean preloadState;
  /** The lineage log while recovery reads it, before the journal takes it over (closed by close()). */
  private SegmentedLog lineageUntilJournal;
  /** The membership this context runs in, or null outside a group (set before start). */
  private io.uji.engine.cluster.ClusterMember member;
  private String applicationId;
  /** Where the status page answers, published by the member when its program names no address. */
  private java.util.Optional<String> statusAddress = java.util.Optional.empty();
  /** In a group, which key groups run here (from start). */
  private GroupRuntime group;

  public ContextRuntime(String name, StreamingConfig config, StreamGraph graph, ListenerBus bus, Path checkpointDir,
      Duration checkpointInterval, Consumer<Throwable> onFailure, EngineObserver observer) {
    this.observer = observer;
    this.name = name;
    this.config = config;
    this.graph = graph;
    this.bus = bus;
    this.checkpointPath = checkpointDir;
    this.checkpointInterval = checkpointInterval;
    this.onFailure = onFailure;
    this.registry = EngineSerialization.registry(config);
    this.kryo = new KryoPool(registry);
  }

  public StreamingConfig config() {
    return config;
  }

  public WorkerPool pool() {
    return pool;
  }

  public KryoPool kryo() {
    return kryo;
  }

  public BatchScheduler scheduler() {
    return scheduler;
  }

  /** @return the state store, or null if the program has no stateful operator */
  public StateStore stateStore() {
    return store;
  }

  /**
   * Makes the context run in a group through {@code member} (docs/design/scale-out.md): checked by
   * {@link GroupProgramCheck} at start; batches take input only for the key groups the member
   * activates, and each commits through it.
   */
  public void joinGroup(io.uji.engine.cluster.ClusterMember member, String applicationId,
      java.util.Optional<String> statusAddress) {
    this.member = java.util.Objects.requireNonNull(member, "member");
    this.applicationId = java.util.Objects.requireNonNull(applicationId, "applicationId");
    this.statusAddress = java.util.Objects.requireNonNull(statusAddress, "statusAddress");
  }

  public void start() {
    if (member != null) {
      GroupProgramCheck.check(graph, applicationId);
      graph.runInGroup(applicationId);
    }
    pool = new WorkerPool(name, config.workerThreads());
    graph.setPool(pool);
    Time first = BatchScheduler.firstBatchTime(config.clock(), graph.batchInterval().milliseconds());
    if (member != null) {
      group = new GroupRuntime(applicationId, member, graph, onFailure, statusAddress);
      journal = new GroupJournal(group, pool, graph.inputs());
    }
    if (checkpointPath == null) {
      startWithoutCheckpoints(first);
    } else if (group != null) {
      startInGroupWithCheckpoints(first);
    } else {
      startWithCheckpoints(first);
    }
  }

  private void startWithoutCheckpoints(Time first) {
    if (!graph.statefulNodes().isEmpty()) {
      Path dir = config.stateDir();
      if (dir == null) {
        try {
          temporaryStateDir = Files.createTempDirectory("uji-state-");
        } catch (IOException e) {
          throw new UncheckedIOException("Cannot create a temporary state directory", e);
        }
        dir = temporaryStateDir;
      }
      store = StateStore.open(stateConfig(dir));
    }
    scheduler = new BatchScheduler(name, graph, config.clock(), bus, journal, onFailure, observer);
    graph.start(first.minus(graph.batchInterval()));
    openStatefulNodes();
    openReceivers(index -> BlockStore.none());
    if (group != null) {
      group.wipeAll();
      member.start(group); // batches take input once it activates key groups
    }
    startInputsAndScheduler(first);
  }

  /**
   * In a group (docs/design/scale-out.md 7.1): restores the newest usable local checkpoint and
   * hands its copies, at their changelog positions, to the member, which continues each from its
   * position when it can trust it (design 7.2); no lineage, no replay (what happened after the
   * checkpoint is in the changelogs and the committed input offsets).
   */
  private void startInGroupWithCheckpoints(Time first) {
    checkpointDir = CheckpointDirectory.open(checkpointPath);
    Recovery.checkProgram(checkpointDir, new KryoSerde<>(kryo, ProgramInfo.class), graph);
    GroupCheckpoints checkpoints = new GroupCheckpoints(checkpointDir,
        new KryoSerde<>(kryo, GroupCheckpointMetadata.class), graph, applicationId,
        checkpointInterval.milliseconds(), config.checkpointsRetained());
    GroupCheckpoints.Restored restored = null;
    if (!graph.statefulNodes().isEmpty()) {
      Path live = checkpointDir.liveStateDir();
      restored = checkpoints.restore(group.groups(), cp -> StateStore.restore(cp, stateConfig(live)), () -> {
        GroupCheckpoints.deleteLive(live); // a crashed run's live state holds what no checkpoint vouches for
        return StateStore.open(stateConfig(live));
      });
      store = restored.store();
      preloadState = restored.positions() != null;
      // The checkpoint's types, checked against the program's as a single context's restored state is
      for (OperatorInfo o : restored.operators()) {
        groupRestoredSignatures.put(o.id(), o.typeSignature());
      }
    }
    journal = new GroupJournal(group, pool, graph.inputs(), checkpoints, store);
    scheduler = new BatchScheduler(name, graph, config.clock(), bus, journal, onFailure, observer);
    graph.start(first.minus(graph.batchInterval()));
    openStatefulNodes();
    openReceivers(index -> BlockStore.none());
    String mismatch = restored == null || restored.positions() == null ? "no checkpoint" : checkpoints.mismatch(restored);
    if (mismatch == null) {
      group.restoredFrom(restored.positions(), restored.reachedAfterMs());
    } else {
      if (restored != null && restored.positions() != null) {
        LOG.warn("Group {}: the local checkpoint's state is not used ({}); every key group is restored from its"
            + " changelog", applicationId, mismatch);
      }
      group.wipeAll();
    }
    member.start(group);
    startInputsAndScheduler(first);
  }

  private void startWithCheckpoints(Time first) {
    for (InputNode<?, ?, ?> in : graph.inputs()) {
      if (!in.replayable()) {
        throw new IllegalStateException("A " + in.kind() + " stream cannot be replayed after a crash, so it cannot be"
            + " used with a checkpoint directory (as in Spark); use a generator, a file stream or a receiver");
      }
    }
    long recoveryStart = System.nanoTime();
    checkpointDir = CheckpointDirectory.open(checkpointPath);
    KryoSerde<BatchRecord> recordSerde = new KryoSerde<>(kryo, BatchRecord.class);
    MetadataCodec metadataCodec = new MetadataCodec(kryo);
    SegmentedLog lineage = SegmentedLog.open(checkpointDir.lineageDir(),
        LogConfig.defaults().withFsyncPolicy(FsyncPolicy.PER_APPEND).withDirectoryId(checkpointDir.id())
            .withMaxSegmentBytes(config.logSegmentBytes()));
    lineageUntilJournal = lineage;
    Recovery.Plan plan = Recovery.plan(checkpointDir, lineage, recordSerde, new KryoSerde<>(kryo, ProgramInfo.class),
        metadataCodec, graph, new StateOpener(), config.allowNonRestoredState());
    store = plan.store();
    preloadState = plan.checkpoint() != null;
    // Renamed operators' state moves to their new ids, dropped operators' goes, before tables open.
    plan.migration().applyTo(store);
    restoredState = plan.migration();
    long zero = plan.zeroTimeMs() != Long.MIN_VALUE ? plan.zeroTimeMs()
        : first.minus(graph.batchInterval()).milliseconds();
    CheckpointJournal cj = new CheckpointJournal(checkpointDir, lineage, recordSerde, metadataCodec, graph, store,
        new CheckpointJournal.Settings(checkpointInterval.milliseconds(), zero, config.checkpointsRetained(),
            registry.fingerprint(), name), onFailure, observer);
    journal = cj;
    lineageUntilJournal = null;
    scheduler = new BatchScheduler(name, graph, config.clock(), bus, journal, onFailure, observer);
    graph.start(new Time(zero));
    openStatefulNodes();
    // Receivers' logs must be open before replay reads blocks from them.
    wals = new ReceiverWals(checkpointDir, kryo, config.walGroupCommit().milliseconds(), config.logSegmentBytes(),
        observer);
    List<BatchRecord> needed = plan.needed(Recovery.maxRememberMs(graph.inputs()));
    openReceivers(i -> wals.open(i, graph.inputs().get(i).name(), plan.records(), needed, plan.whyReplayed()));
    int replayed = Recovery.apply(plan, graph, scheduler, config.clock(), cj);
    if (!plan.fresh()) {
      LOG.info("Recovering from {}: checkpoint {}, {} batches to replay", checkpointDir.root(),
          plan.checkpoint() == null ? "none" : plan.checkpoint().id(), replayed);
      observer.recovered(new RecoveryReport(plan.checkpoint() == null ? -1 : plan.checkpoint().id(), replayed,
          (System.nanoTime() - recoveryStart) / 1_000_000, System.currentTimeMillis()));
    }
    startInputsAndScheduler(first);
  }

  /** Connects each receiver input to where its blocks are stored, given the input's place in the program. */
  private void openReceivers(java.util.function.IntFunction<BlockStore<?>> storeOf) {
    List<InputNode<?, ?, ?>> inputs = graph.inputs();
    for (int i = 0; i < inputs.size(); i++) {
      if (inputs.get(i) instanceof ReceiverInputNode<?> r) {
        openReceiver(r, storeOf.apply(i));
      }
    }
  }

  @SuppressWarnings("unchecked")
  private <T> void openReceiver(ReceiverInputNode<T> r, BlockStore<?> store) {
    r.open((BlockStore<T>) store, kryo, onFailure); // a receiver's store holds that receiver's records
  }

  private void startInputsAndScheduler(Time first) {
    for (InputNode<?, ?, ?> in : graph.inputs()) {
      in.start();
    }
    scheduler.start(first);
  }

  /** Opens the live state of the checkpoint directory as recovery decides. */
  private final class StateOpener implements Recovery.StateOpener {
    @Override
    public StateStore restore(Path checkpointStateDir, OptionalInt dirtyEntriesCrc32c) {
      return graph.statefulNodes().isEmpty() ? null
          // The checkpoint's dirty entries go to the caches as they were, not through RocksDB and
          // out again: the restore writes nothing and the first batches find the keys the last
          // ones wrote (in a group, key groups are written raw after the restore: not there).
          : StateStore.restore(checkpointStateDir, stateConfig(checkpointDir.liveStateDir()),
              StateStore.RestoredEntries.INTO_CACHE, dirtyEntriesCrc32c);
    }

    @Override
    public StateStore openEmpty() {
      if (graph.statefulNodes().isEmpty()) {
        return null;
      }
      // The live database of a crashed run holds effects of batches that will be replayed.
      Path live = checkpointDir.liveStateDir();
      deleteQuietly(live);
      return StateStore.open(stateConfig(live));
    }
  }

  private StateStoreConfig stateConfig(Path dir) {
    return StateStoreConfig.of(dir).withMemoryBudgetBytes(config.stateMemoryBytes())
        .withCacheEntriesPerTable((long) config.stateCacheEntriesPerPartition() * config.defaultParallelism())
        .withCompaction(Compaction.valueOf(config.stateCompaction().name()));
  }

  private void openStatefulNodes() {
    StateBinding binding = new StateBinding();
    for (StatefulNode s : graph.statefulNodes()) {
      s.open(binding);
    }
  }

  /** The stateful nodes' view of this runtime. */
  private final class StateBinding implements io.uji.engine.graph.StateBinding {
    @Override
    public <K, S> io.uji.state.StateTable<K, S> table(String id, Class<K> keyType, Class<S> stateType,
        int numPartitions) {
      io.uji.state.StateTable<K, S> table =
          // Restored entries fill the partitions' caches in parallel on the pool, as the preload reads.
          store.table(id, new KryoSerde<>(kryo, keyType), new KryoSerde<>(kryo, stateType), numPartitions,
              pool.executor());
      if (preloadState) {
        // Restored state: one sequential scan now beats the first batches' random lookups.
        long start = System.nanoTime();
        long cached = table.preload(pool.executor());
        LOG.info("Preloaded {} entries of state '{}' in {} ms", cached, id, (System.nanoTime() - start) / 1_000_000);
      }
      return table;
    }

    @Override
    public int keyGroups(String id) {
      return store.recordedPartitions(id).orElse(config.stateKeyGroups());
    }

    @Override
    public java.util.OptionalInt recordedKeyGroups(String id) {
      return store.recordedPartitions(id);
    }

    @Override
    public boolean inGroup() {
      return group != null;
    }

    @Override
    public java.util.BitSet runningGroups() {
      return group == null ? null : group.runningGroups();
    }

    @Override
    public io.uji.engine.cluster.KeyLocator keyLocator() {
      return group == null ? null : member.keyLocator().orElse(null);
    }

    @Override
    public KryoPool kryo() {
      return kryo;
    }

    @Override
    public WorkerPool pool() {
      return pool;
    }

    @Override
    public String restoredTypeSignature(String id) {
      String restoredInGroup = groupRestoredSignatures.get(id);
      return restoredInGroup != null ? restoredInGroup : restoredState.typeSignature(id);
    }
  }

  /**
   * Stops inputs, then the scheduler (gracefully or not), then the pool; closes the output
   * operations' resources (after their last batch), then the journal and store.
   */
  public void close(boolean graceful) {
    for (InputNode<?, ?, ?> in : graph.inputs()) {
      try {
        in.stop();
      } catch (RuntimeException e) {
        LOG.warn("Stopping input {} failed", in.name(), e);
      }
    }
    if (scheduler != null) {
      scheduler.stop(graceful);
    }
    if (group != null) {
      group.stopped(); // a revocation waiting for batches gives up: no batch runs any more
      try {
        member.stop(graceful);
      } catch (RuntimeException e) {
        LOG.warn("Stopping the membership of group {} failed", applicationId, e);
      }
    }
    if (pool != null) {
      pool.close();
    }
    for (OutputOperation<?> out : graph.outputs()) {
      closeQuietly(out::close, "output operation " + out.id() + " (" + out.name() + ")");
    }
    closeQuietly(journal, "the journal");
    closeQuietly(lineageUntilJournal, "the lineage log");
    closeQuietly(wals, "the write-ahead logs");
    closeQuietly(store, "the state store");
    closeQuietly(checkpointDir, "the checkpoint directory");
    if (temporaryStateDir != null) {
      deleteQuietly(temporaryStateDir);
    }
  }

  private static void closeQuietly(AutoCloseable c, String what) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      LOG.warn("Closing {} failed", what, e);
    }
  }

  private static void deleteQuietly(Path dir) {
    try {
      if (Files.exists(dir)) {
        PathUtils.deleteDirectory(dir);
      }
    } catch (IOException e) {
      LOG.warn("Cannot delete {}", dir, e);
    }
  }
}
