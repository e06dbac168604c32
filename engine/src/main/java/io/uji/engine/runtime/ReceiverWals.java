package io.uji.engine.runtime;

import io.uji.checkpoint.CheckpointDirectory;
import io.uji.checkpoint.FsyncPolicy;
import io.uji.checkpoint.LogConfig;
import io.uji.checkpoint.SegmentedLog;
import io.uji.engine.receiver.BlockStore;
import io.uji.engine.receiver.WalBlockStore;
import io.uji.serde.KryoPool;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of the receivers' write-ahead logs of a context: opens each in {@code
 * wal/input-<n>/} of the checkpoint directory ({@code n} = the input's place in the program) and
 * closes them all, after everything that writes or trims them has stopped.
 */
final class ReceiverWals implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReceiverWals.class);

  private final CheckpointDirectory dir;
  private final KryoPool kryo;
  private final LogConfig config;
  private final List<WalBlockStore<?>> open = new ArrayList<>();

  /**
   * @param groupCommitMs 0: force every block before {@code store} returns; positive: blocks
   *     arriving within this bound share one force
   */
  ReceiverWals(CheckpointDirectory dir, KryoPool kryo, long groupCommitMs) {
    this.dir = dir;
    this.kryo = kryo;
    this.config = LogConfig.defaults().withFsyncPolicy(groupCommitMs == 0 ? FsyncPolicy.PER_APPEND
        : FsyncPolicy.groupCommit(java.time.Duration.ofMillis(groupCommitMs)));
  }

  /** @return the write-ahead log of the input at {@code inputIndex}, opened (and recovered) now */
  synchronized BlockStore<?> open(int inputIndex) {
    WalBlockStore<Object> wal = new WalBlockStore<>(SegmentedLog.open(dir.walDir("input-" + inputIndex), config), kryo);
    open.add(wal);
    return wal;
  }

  @Override
  public synchronized void close() {
    for (WalBlockStore<?> w : open) {
      try {
        w.close();
      } catch (RuntimeException e) {
        LOG.warn("Closing the write-ahead log {} failed", w.directory(), e);
      }
    }
    open.clear();
  }
}
