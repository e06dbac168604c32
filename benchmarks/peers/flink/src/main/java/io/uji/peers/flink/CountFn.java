package io.uji.peers.flink;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The per-user running count in a {@code ValueState<Long>}; emits (user, newCount) for every
 * record. With {@code ttlS > 0} the state has a processing-time TTL, Flink's counterpart of
 * mapWithState's idle timeout. It also counts snapshots and completed checkpoints for the RESULT
 * line, through static fields: valid because the MiniCluster runs in this JVM.
 */
final class CountFn extends KeyedProcessFunction<String, String, Tuple2<String, Long>>
    implements CheckpointListener, CheckpointedFunction {
  private static final long serialVersionUID = 1L;

  static final AtomicLong MAX_COMPLETED_CHECKPOINT = new AtomicLong();
  static final LongAdder COMPLETE_NOTIFICATIONS = new LongAdder();
  static final LongAdder SNAPSHOTS = new LongAdder();

  private final long ttlS;
  private transient ValueState<Long> count;

  CountFn(long ttlS) {
    this.ttlS = ttlS;
  }

  @Override
  public void open(OpenContext ctx) {
    ValueStateDescriptor<Long> d = new ValueStateDescriptor<>("count", Types.LONG);
    if (ttlS > 0) {
      // Like StateSpec.timeout(60 s): idle state expires 60 s after its last write.
      d.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofSeconds(ttlS))
          .updateTtlOnCreateAndWrite().neverReturnExpired().useProcessingTime().build());
    }
    count = getRuntimeContext().getState(d);
  }

  @Override
  public void processElement(String user, Context ctx, Collector<Tuple2<String, Long>> out) throws Exception {
    Long c = count.value();
    long nc = (c == null ? 0L : c) + 1L;
    count.update(nc);
    out.collect(Tuple2.of(user, nc));
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) {
    SNAPSHOTS.increment();
  }

  @Override
  public void initializeState(FunctionInitializationContext context) {
    // the count lives in keyed state, registered in open()
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) {
    COMPLETE_NOTIFICATIONS.increment();
    MAX_COMPLETED_CHECKPOINT.accumulateAndGet(checkpointId, Math::max);
  }
}
