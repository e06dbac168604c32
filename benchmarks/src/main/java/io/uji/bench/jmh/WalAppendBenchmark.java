package io.uji.bench.jmh;

import io.uji.checkpoint.FsyncPolicy;
import io.uji.checkpoint.LogConfig;
import io.uji.checkpoint.LogPosition;
import io.uji.checkpoint.SegmentedLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.commons.io.file.PathUtils;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link SegmentedLog#append} per fsync policy: {@code PER_APPEND} (force before returning),
 * {@code GROUP_2MS} (appends within 2 ms share one force; the default of a log, not of the
 * receiver WAL) and {@code NONE} (page cache only). Record sizes: a receiver block of 10,000
 * session-count records (108,901 bytes of Kryo) and a small 1 KiB record. One appending thread
 * ({@code append}) and two ({@code append2Threads}: what group commit is for). The log lives in
 * a temp dir on the same disk as the checkpoints; old segments are deleted after each iteration.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class WalAppendBenchmark {
  @Param({"PER_APPEND", "GROUP_2MS", "NONE"})
  String policy;

  @Param({"108901", "1024"})
  int bytes;

  private Path dir;
  private SegmentedLog log;
  private byte[] payload;
  private volatile LogPosition last;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("uji-jmh-wal-");
    FsyncPolicy p = switch (policy) {
      case "PER_APPEND" -> FsyncPolicy.PER_APPEND;
      case "GROUP_2MS" -> FsyncPolicy.groupCommit(Duration.ofMillis(2));
      case "NONE" -> FsyncPolicy.NONE;
      default -> throw new IllegalArgumentException(policy);
    };
    log = SegmentedLog.open(dir.resolve("wal"), LogConfig.defaults().withFsyncPolicy(p).withMaxSegmentBytes(16L << 20));
    payload = new byte[bytes];
    for (int i = 0; i < bytes; i++) {
      payload[i] = (byte) (i * 31 + 7);
    }
  }

  @TearDown(Level.Iteration)
  public void trim() {
    LogPosition l = last;
    if (l != null) {
      log.deleteSegmentsBefore(l);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    log.close();
    PathUtils.deleteDirectory(dir);
  }

  @Benchmark
  public LogPosition append() {
    LogPosition p = log.append(payload);
    last = p;
    return p;
  }

  @Benchmark
  @Threads(2)
  public LogPosition append2Threads() {
    LogPosition p = log.append(payload);
    last = p;
    return p;
  }
}
