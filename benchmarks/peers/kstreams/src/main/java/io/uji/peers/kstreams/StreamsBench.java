package io.uji.peers.kstreams;

import io.uji.peers.common.Options;
import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * Apache Kafka Streams 4.4.0 on kafka-session-count and kafka-failover of docs/WORKLOADS.md,
 * reading the events that {@link LoadInput} wrote to the local broker (run.sh starts both).
 * Every run ends with one RESULT line, except recovery-run1, which run.sh kills.
 *
 * <pre>
 * StreamsBench session-count|session-count-large|recovery-run1|recovery-run2
 *   --bootstrap HOST:PORT --app-id ID --state-dir DIR [--input input] [--output output]
 *   [--n 10000000] [--k 1000000] [--guarantee alos|eos] [--sink topic|discard] [--threads 2]
 *   [--cache-bytes N (default: Streams' 10 MiB)] [--commit-ms N (default: Streams')]
 *   [--static-membership false] [--timeout-s 1800] [--broker-pid PID] [--variant NAME] [--extra "k=v ..."]
 *   [--b .. --interval-ms ..: accepted and ignored (Kafka Streams has no batches)]
 *   recovery-run1: [--kill-at N/2]   prints KILL_POINT once that many records are processed, then keeps running
 *   recovery-run2: [--launched-at-ms EPOCH_MS] [--killed-at COUNT]
 * </pre>
 */
public final class StreamsBench {
  private StreamsBench() {}

  /**
   * Exits with 0 when the run's check passed, 1 when it failed or the run broke, 2 on bad usage.
   *
   * @param args the workload, then {@code --name value} options
   */
  public static void main(String[] args) {
    if (args.length == 0) {
      System.err.println("usage: StreamsBench session-count|session-count-large|recovery-run1|recovery-run2 [--name value]...");
      System.exit(2);
    }
    int rc;
    try {
      String workload = args[0];
      if (!Arrays.asList("session-count", "session-count-large", "recovery-run1", "recovery-run2").contains(workload)) {
        throw new IllegalArgumentException("unknown workload " + workload
            + " (session-count, session-count-large, recovery-run1, recovery-run2)");
      }
      Options o = new Options(Arrays.copyOfRange(args, 1, args.length));
      rc = StreamsRun.run(StreamsSettings.from(workload, o, ManagementFactory.getRuntimeMXBean().getStartTime()));
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
