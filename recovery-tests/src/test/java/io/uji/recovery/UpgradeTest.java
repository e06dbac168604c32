package io.uji.recovery;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint written by one version of a program is restored by the next version: v2 adds a
 * stateless operator and output before the stateful one, which keeps its name ("totals"); the
 * state continues exactly.
 */
class UpgradeTest {
  private static final int USERS = 30;

  @Test
  void changedProgramWithSameNamedStatefulOperatorContinuesTheStateExactly(@TempDir Path tmp) {
    long n = 1200;
    Scenario s = new Scenario(tmp, JobMain.class, "workload=upgrade-v1", "events=" + n, "users=" + USERS,
        "perBatch=20", "batchMs=50", "checkpointBatches=3");
    s.runTest(() -> {
      DiskFaultTest.runPartway(s, 15);
      s.set("workload", "upgrade-v2");
      ChildJvm.Child last = s.runToCompletion();
      Verify.totalLine(last.stdout(), n, USERS);
      Verify.updateTotals(s.out, n, USERS);
      assertTrue(!Outputs.read(s.out, "sevens").isEmpty(), "the new operator did not run");
    });
  }
}
