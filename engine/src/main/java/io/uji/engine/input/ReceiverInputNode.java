package io.uji.engine.input;

import io.uji.checkpoint.LogPosition;
import io.uji.engine.exec.Datasets;
import io.uji.engine.exec.SerializationCheck;
import io.uji.engine.exec.WorkerPool;
import io.uji.engine.graph.InputNode;
import io.uji.engine.graph.StreamGraph;
import io.uji.engine.lineage.WalLineage;
import io.uji.engine.lineage.WalPosition;
import io.uji.engine.receiver.Block;
import io.uji.engine.receiver.BlockStore;
import io.uji.engine.receiver.ReceiverSettings;
import io.uji.engine.hooks.ReceiverCounters;
import io.uji.engine.receiver.ReceiverSupervisor;
import io.uji.engine.scheduler.ListenerBus;
import io.uji.serde.KryoPool;
import io.uji.streaming.Dataset;
import io.uji.streaming.Receiver;
import io.uji.streaming.Time;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The input of a receiver: each batch holds the blocks stored since the previous batch, one
 * partition per block. Lineage: the blocks' write-ahead log positions. Its position: the last
 * block a batch took; after a crash the blocks logged after it go into the next batch.
 */
public final class ReceiverInputNode<T> extends InputNode<T, WalLineage, WalPosition> {
  private static final Logger LOG = LoggerFactory.getLogger(ReceiverInputNode.class);

  private final Receiver<T> receiver;
  private final ReceiverSettings settings;
  private final ListenerBus bus;
  private BlockStore<T> blockStore;
  private ReceiverSupervisor<T> supervisor;

  public ReceiverInputNode(StreamGraph graph, Receiver<T> receiver, ReceiverSettings settings, ListenerBus bus) {
    super(graph, WalLineage.class, WalPosition.class);
    this.receiver = receiver;
    this.settings = settings;
    this.bus = bus;
  }

  @Override
  public String kind() {
    return "receiver";
  }

  @Override
  public String identity() {
    return receiver.name();
  }

  @Override
  public String name() {
    return receiver.name();
  }

  /**
   * Connects the receiver to where its blocks are stored, before start and before recovery
   * reads logged blocks back. The store stays its opener's to close.
   *
   * @param kryo the context's serializers: records that they could not write are refused by
   *     {@code store}, with or without a write-ahead log
   * @param stopContext stops the context with an error (a receiver that keeps failing)
   */
  public void open(BlockStore<T> store, KryoPool kryo, Consumer<Throwable> stopContext) {
    this.blockStore = store;
    SerializationCheck check = new SerializationCheck(kryo, "the records of receiver '" + receiver.name() + "'", 1);
    this.supervisor = new ReceiverSupervisor<>(receiver, id(), bus, store, settings, check, stopContext);
  }

  @Override
  public ReceiverCounters receiverCounters() {
    ReceiverSupervisor<T> s = supervisor;
    return s == null ? new ReceiverCounters(0, 0, 0, 0) : s.counters();
  }

  private ReceiverSupervisor<T> supervisor() {
    if (supervisor == null) {
      throw new IllegalStateException("The receiver input " + name() + " was not opened");
    }
    return supervisor;
  }

  @Override
  public void start() {
    supervisor().start();
  }

  @Override
  public void stop() {
    if (supervisor != null) {
      supervisor.terminate();
    }
  }

  @Override
  protected Allocation<T> takeInput(Time t) {
    return new BlocksAllocation<>(supervisor().takeBlocks(), supervisor);
  }

  @Override
  protected Allocation<T> rebuild(Time t, WalLineage wal) {
    return new LoggedBlocksAllocation<>(wal, blockStore);
  }

  @Override
  protected WalPosition advance(WalPosition before, WalLineage lineage) {
    LogPosition last = lineage.last();
    if (last == null || (before != null && before.lastAllocated().compareTo(last) >= 0)) {
      return before;
    }
    return new WalPosition(last);
  }

  /** Blocks that were logged ({@code store} had returned) but that no batch took go into the next batch. */
  @Override
  protected void resumeAt(WalPosition position) {
    int[] blocks = new int[1];
    blockStore.forEachAfter(position == null ? null : position.lastAllocated(), (pos, records) -> {
      supervisor().recoverBlock(records, pos);
      blocks[0]++;
    });
    if (blocks[0] > 0) {
      LOG.info("Receiver {}: {} logged blocks that no batch took go into the next batch", name(), blocks[0]);
    }
  }

  /**
   * Keeps the write-ahead log from the first block of the oldest retained batch on; with none,
   * from the last block taken (blocks after it are stored but not taken yet).
   */
  @Override
  protected void release(List<WalLineage> retained, WalPosition position) {
    LogPosition firstNeeded = null;
    for (WalLineage w : retained) {
      if (!w.positions().isEmpty()) {
        firstNeeded = w.positions().get(0);
        break;
      }
    }
    if (firstNeeded == null && position != null) {
      firstNeeded = position.lastAllocated();
    }
    if (firstNeeded != null) {
      blockStore.deleteBefore(firstNeeded);
    }
  }

  /** A batch rebuilt from the write-ahead log; blocks are read only when the batch needs them. */
  private static final class LoggedBlocksAllocation<T> implements Allocation<T> {
    private final WalLineage lineage;
    private final BlockStore<T> store;
    private BlocksAllocation<T> blocks;

    LoggedBlocksAllocation(WalLineage lineage, BlockStore<T> store) {
      this.lineage = lineage;
      this.store = store;
    }

    private synchronized BlocksAllocation<T> blocks() {
      if (blocks == null) {
        List<Block<T>> read = new ArrayList<>(lineage.positions().size());
        for (LogPosition pos : lineage.positions()) {
          read.add(new Block<>(store.read(pos), pos, 0));
        }
        blocks = new BlocksAllocation<>(read, null);
      }
      return blocks;
    }

    @Override
    public Dataset<T> dataset(WorkerPool pool) {
      return blocks().dataset(pool);
    }

    @Override
    public long recordCount() {
      return blocks().recordCount();
    }

    @Override
    public WalLineage lineage() {
      return lineage;
    }
  }

  /** The blocks of one batch. */
  private record BlocksAllocation<T>(List<Block<T>> blocks, ReceiverSupervisor<T> owner) implements Allocation<T> {
    @Override
    public Dataset<T> dataset(WorkerPool pool) {
      List<List<T>> parts = new ArrayList<>(Math.max(1, blocks.size()));
      for (Block<T> b : blocks) {
        parts.add(b.records());
      }
      if (parts.isEmpty()) {
        parts.add(List.of());
      }
      return Datasets.of(parts, pool);
    }

    @Override
    public long recordCount() {
      long n = 0;
      for (Block<T> b : blocks) {
        n += b.records().size();
      }
      return n;
    }

    /** @return the blocks' positions, or null without a write-ahead log (nothing to replay) */
    @Override
    public WalLineage lineage() {
      List<LogPosition> positions = new ArrayList<>(blocks.size());
      List<Integer> counts = new ArrayList<>(blocks.size());
      for (Block<T> b : blocks) {
        if (b.position() == null) {
          return null;
        }
        positions.add(b.position());
        counts.add(b.records().size());
      }
      return new WalLineage(positions, counts);
    }

    @Override
    public void release() {
      if (owner == null) {
        return;
      }
      int n = 0;
      for (Block<T> b : blocks) {
        n += b.permits();
      }
      owner.release(n);
    }
  }
}
