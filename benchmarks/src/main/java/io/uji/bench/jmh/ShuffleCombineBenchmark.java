package io.uji.bench.jmh;

import io.uji.bench.Gen;
import io.uji.engine.exec.Datasets;
import io.uji.engine.exec.WorkerPool;
import io.uji.engine.ops.ShuffleNode;
import io.uji.streaming.Dataset;
import io.uji.streaming.HashPartitioner;
import io.uji.streaming.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Partitioning and pre-aggregation: {@link ShuffleNode#combine} (reduceByKey of one batch) over
 * 500,000 (user, 1) records of the session-count generator, two input partitions, on a worker
 * pool of {@code threads}. The score is the time of one batch's reduceByKey.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class ShuffleCombineBenchmark {
  @Param({"500000"})
  int records;

  /** Distinct keys: 1 M users (docs/WORKLOADS.md; most keys once per batch) or 10 k (heavy pre-aggregation). */
  @Param({"1000000", "10000"})
  long users;

  @Param({"2"})
  int threads;

  private WorkerPool pool;
  private Dataset<Pair<String, Long>> input;
  private HashPartitioner partitioner;

  @Setup(Level.Trial)
  public void setUp() {
    pool = new WorkerPool("jmh", threads);
    List<List<Pair<String, Long>>> parts = new ArrayList<>();
    for (int p = 0; p < threads; p++) {
      List<Pair<String, Long>> part = new ArrayList<>();
      for (long i = (long) records * p / threads; i < (long) records * (p + 1) / threads; i++) {
        part.add(Pair.of(Gen.record(i, users), 1L));
      }
      parts.add(part);
    }
    input = Datasets.of(parts, pool);
    partitioner = new HashPartitioner(threads);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    pool.close();
  }

  @Benchmark
  public Dataset<Pair<String, Long>> reduceByKey() {
    return ShuffleNode.combine(input, v -> v, Long::sum, Long::sum, partitioner, "reduceByKey");
  }
}
