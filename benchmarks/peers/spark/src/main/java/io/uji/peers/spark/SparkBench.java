package io.uji.peers.spark;

import io.uji.peers.common.Options;
import java.util.Arrays;

/**
 * Spark Streaming 4.0.1 (DStream API, local mode) on the workloads of docs/WORKLOADS.md. Every
 * run ends with one RESULT line.
 *
 * <pre>
 * session-count  [--variant mapWithState|update] [--source queue|gen] [--pregen true|false]
 *                [--n 10000000] [--k 1000000] [--b 500000] [--interval-ms 2000] [--master local[2]]
 *                [--ckpt-batches 5] [--timeout-s 60] [--meta-checkpoint true|false] [--parts 2]
 *                [--max-wait-s 1800] [--ckpt-dir DIR] [--keep-ckpt false]
 * recovery       the session-count options (mapWithState, source gen) and [--kill-after 10] [--keep-ckpt false]
 * receiver-wal   --rate EVENTS_PER_S [--duration-s 60] [--warmup-s 10] [--block 10000] [--k 1000000]
 *                [--interval-ms 1000] [--processing mapWithState|count] [--master local[2]] [--wal true|false]
 * </pre>
 */
public final class SparkBench {
  private SparkBench() {}

  /**
   * Exits with 0 when the run's check passed, 1 when it failed or the run broke, 2 on bad usage.
   *
   * @param args the workload, then {@code --name value} options
   */
  public static void main(String[] args) {
    if (args.length == 0) {
      System.err.println("usage: SparkBench session-count|recovery|receiver-wal [--name value]...");
      System.exit(2);
    }
    int rc;
    try {
      Options o = new Options(Arrays.copyOfRange(args, 1, args.length));
      rc = switch (args[0]) {
        case "session-count" -> SessionCount.run(o);
        case "recovery" -> Recovery.parent(o);
        case "recovery-child" -> Recovery.child(o);
        case "receiver-wal" -> ReceiverWal.run(o);
        default -> throw new IllegalArgumentException("unknown workload " + args[0]
            + " (session-count, recovery, receiver-wal)");
      };
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      rc = 2;
    } catch (Exception e) {
      e.printStackTrace();
      rc = 1;
    }
    System.out.flush();
    System.err.flush();
    // Spark leaves non-daemon threads behind; do not wait for them (run.sh removes the temp dir).
    Runtime.getRuntime().halt(rc);
  }
}
