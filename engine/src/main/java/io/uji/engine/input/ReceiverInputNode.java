package io.uji.engine.input;

import io.uji.engine.exec.Datasets;
import io.uji.engine.exec.WorkerPool;
import io.uji.engine.graph.InputLineage;
import io.uji.engine.graph.InputNode;
import io.uji.engine.graph.StreamGraph;
import io.uji.engine.receiver.Block;
import io.uji.engine.receiver.BlockReader;
import io.uji.engine.receiver.ReceiverSupervisor;
import io.uji.streaming.Dataset;
import io.uji.streaming.Time;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The input of a receiver: each batch holds the blocks stored since the previous batch, one
 * partition per block. Lineage: the blocks' write-ahead log positions.
 */
public final class ReceiverInputNode<T> extends InputNode<T> {
  private final Supplier<ReceiverSupervisor<T>> supervisorFactory;
  private ReceiverSupervisor<T> supervisor;
  private BlockReader<T> blockReader;
  private final String name;

  public ReceiverInputNode(StreamGraph graph, String name, Supplier<ReceiverSupervisor<T>> supervisorFactory) {
    super(graph);
    this.name = name;
    this.supervisorFactory = supervisorFactory;
  }

  @Override
  public String name() {
    return name;
  }

  /** Sets how logged blocks are read back during recovery. */
  public void setBlockReader(BlockReader<T> reader) {
    this.blockReader = reader;
  }

  /** Creates the supervisor (before start, so recovery can hand it unallocated logged blocks). */
  public ReceiverSupervisor<T> supervisor() {
    if (supervisor == null) {
      supervisor = supervisorFactory.get();
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
  protected Allocation<T> rebuild(Time t, InputLineage lineage) {
    if (!(lineage instanceof WalLineage wal)) {
      throw new IllegalStateException("receiver stream " + name + " cannot rebuild batch " + t + " from " + lineage);
    }
    if (blockReader == null) {
      throw new IllegalStateException("receiver stream " + name + " has no write-ahead log to replay batch " + t);
    }
    return new LoggedBlocksAllocation<>(wal, blockReader);
  }

  /** A batch rebuilt from the write-ahead log; blocks are read only when the batch needs them. */
  private static final class LoggedBlocksAllocation<T> implements Allocation<T> {
    private final WalLineage lineage;
    private final BlockReader<T> reader;
    private BlocksAllocation<T> blocks;

    LoggedBlocksAllocation(WalLineage lineage, BlockReader<T> reader) {
      this.lineage = lineage;
      this.reader = reader;
    }

    private synchronized BlocksAllocation<T> blocks() {
      if (blocks == null) {
        List<Block<T>> read = new ArrayList<>(lineage.positions().size());
        for (Object pos : lineage.positions()) {
          read.add(new Block<>(reader.read(pos), pos, 0));
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
    public InputLineage lineage() {
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

    @Override
    public InputLineage lineage() {
      List<Object> positions = new ArrayList<>(blocks.size());
      for (Block<T> b : blocks) {
        if (b.position() == null) {
          return null;
        }
        positions.add(b.position());
      }
      return new WalLineage(positions);
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
