package io.uji.peers.spark;

import io.uji.peers.common.Options;
import io.uji.peers.common.Proc;
import org.apache.spark.SparkConf;

/**
 * The session-count job's settings (docs/WORKLOADS.md), shared by {@code session-count} and the
 * two JVMs of {@code recovery}.
 *
 * @param n events
 * @param k users
 * @param b events per batch
 * @param intervalMs batch interval; 2 s so that the 60 s idle timeout cannot fire during the run
 *     (20 data batches and the check batch span 42 s of batch time)
 * @param ckptBatches the state is checkpointed every this many batches
 * @param timeoutS mapWithState's idle timeout
 * @param master Spark master, {@code local[2]} on the 2-core reference machine
 * @param parts input partitions per batch
 * @param maxWaitS give up after this long
 */
record SessionSettings(long n, long k, long b, long intervalMs, long ckptBatches, long timeoutS, String master,
    int parts, long maxWaitS) {

  /** @throws IllegalArgumentException if an option is malformed or N, K or B is not positive */
  static SessionSettings from(Options o) {
    SessionSettings s = new SessionSettings(o.longOpt("n", 10_000_000L), o.longOpt("k", 1_000_000L),
        o.longOpt("b", 500_000L), o.longOpt("interval-ms", 2000), o.longOpt("ckpt-batches", 5),
        o.longOpt("timeout-s", 60), o.stringOpt("master", "local[2]"), (int) o.longOpt("parts", 2),
        o.longOpt("max-wait-s", 1800));
    if (s.n <= 0 || s.k <= 0 || s.b <= 0) {
      throw new IllegalArgumentException("--n, --k and --b must be positive, got " + s.n + ", " + s.k + ", " + s.b);
    }
    return s;
  }

  /** @return the number of data batches */
  int batches() {
    return (int) ((n + b - 1) / b);
  }

  /**
   * Spark settings of every run: Kryo, no UI, loopback only, Spark's local files under the run's
   * work directory; everything else Spark's default (2 partitions of state, one job at a time).
   */
  static SparkConf conf(String app, String master) {
    return new SparkConf()
        .setAppName(app)
        .setMaster(master)
        .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1")
        .set("spark.local.dir", Proc.workDir().resolve("spark-local").toString());
  }
}
