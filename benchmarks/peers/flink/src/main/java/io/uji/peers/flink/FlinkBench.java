package io.uji.peers.flink;

import io.uji.peers.common.Options;
import java.util.Arrays;

/**
 * Apache Flink 2.3.0 (DataStream API, one JVM) on the session-count workloads of
 * docs/WORKLOADS.md. Every run ends with one RESULT line.
 *
 * <pre>
 * session-count        [--backend rocksdb|hashmap] [--n 10000000] [--k 1000000] [--parallelism 2]
 *                      [--ckpt-interval-ms 5000 (0 = off)] [--incremental true] [--ttl-s 60 (0 = off)]
 *                      [--final-checkpoint false] [--managed-mb 0 (= Flink's local default, 128 MB)]
 *                      [--variant NAME (default: the backend)] [--keep-dirs false]
 *                      [--b .. --interval-ms ..: accepted and ignored (Flink has no batches)]
 * session-count-large  the same options; defaults N=100000000 K=20000000
 * </pre>
 */
public final class FlinkBench {
  private FlinkBench() {}

  /**
   * Exits with 0 when the run's check passed, 1 when it failed or the run broke, 2 on bad usage.
   *
   * @param args the workload, then {@code --name value} options
   */
  public static void main(String[] args) {
    if (args.length == 0) {
      System.err.println("usage: FlinkBench session-count|session-count-large [--name value]...");
      System.exit(2);
    }
    int rc;
    try {
      Options o = new Options(Arrays.copyOfRange(args, 1, args.length));
      rc = switch (args[0]) {
        case "session-count", "session-count-large" -> SessionCount.run(args[0], o);
        default -> throw new IllegalArgumentException("unknown workload " + args[0]
            + " (session-count, session-count-large)");
      };
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      rc = 2;
    } catch (Exception e) {
      e.printStackTrace();
      rc = 1;
    }
    System.out.flush();
    System.exit(rc);
  }
}
