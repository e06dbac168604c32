package io.uji.bench.jmh;

import io.uji.serde.ByteSink;
import io.uji.serde.KryoPool;
import io.uji.serde.KryoRegistry;
import io.uji.serde.KryoSerde;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code Serde.write} of what session-count keeps per user (the String key {@code "user-i"} and
 * the Long state) into one reused {@link ByteSink}: the allocation-free path by which the state
 * store serializes a flush, an eviction or a checkpoint capture ({@code SerializedEntries}).
 * Score per key + state pair; the sink is cleared every {@value #BATCH} pairs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class SerdeWriteBenchmark {
  static final int BATCH = 4096;

  private KryoSerde<String> keys;
  private KryoSerde<Long> states;
  private String[] names;
  private Long[] values;
  private ByteSink sink;

  @Setup
  public void setUp() {
    KryoPool pool = new KryoPool(KryoRegistry.builtinsOnly());
    keys = new KryoSerde<>(pool, String.class);
    states = new KryoSerde<>(pool, Long.class);
    names = new String[BATCH];
    values = new Long[BATCH];
    for (int i = 0; i < BATCH; i++) {
      names[i] = "user-" + (i * 7919 % 1_000_000);
      values[i] = (long) i * 31;
    }
    sink = new ByteSink(16 * BATCH);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int keyAndState() {
    ByteSink s = sink;
    s.clear();
    for (int i = 0; i < BATCH; i++) {
      keys.write(names[i], s);
      states.write(values[i], s);
    }
    return s.position();
  }
}
