package io.uji.bench.jmh;

import io.uji.serde.KryoPool;
import io.uji.serde.KryoRegistry;
import io.uji.serde.KryoSerde;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link KryoSerde} round trips (toBytes, then fromBytes) of what session-count keeps per user:
 * the String key {@code "user-123456"} and the Long state. Each is a fresh {@code byte[]} as the
 * state store's cache eviction and {@code multiGet} results are.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class KryoRoundTripBenchmark {
  private KryoSerde<String> keys;
  private KryoSerde<Long> states;
  private String key;
  private Long state;

  @Setup
  public void setUp() {
    KryoPool pool = new KryoPool(KryoRegistry.builtinsOnly());
    keys = new KryoSerde<>(pool, String.class);
    states = new KryoSerde<>(pool, Long.class);
    key = "user-123456";
    state = 1234L;
  }

  @Benchmark
  public String stringKey() {
    return keys.fromBytes(keys.toBytes(key));
  }

  @Benchmark
  public Long longState() {
    return states.fromBytes(states.toBytes(state));
  }
}
