package io.uji.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.streaming.DStream;
import io.uji.streaming.Durations;
import io.uji.streaming.GeneratorSpec;
import io.uji.streaming.Pair;
import io.uji.streaming.StateSpec;
import io.uji.streaming.StreamingConfig;
import io.uji.streaming.StreamingContext;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad programs, bad records and bad configuration: each a clear error, never wrong state. */
class BadInputTest {
  private static final int USERS = 30;

  @Test
  void checkpointDirectoryOfAnotherProgramIsRefusedNamingTheOperators(@TempDir Path tmp) {
    Scenario s = new Scenario(tmp, JobMain.class, "workload=update", "events=600", "users=" + USERS,
        "perBatch=20", "batchMs=50", "checkpointBatches=3");
    s.runTest(() -> {
      DiskFaultTest.runPartway(s, 8);
      s.set("workload", "sessions");
      ChildJvm.Child c = s.start();
      int code = c.awaitExit(Scenario.RUN_TIMEOUT);
      assertTrue(code != 0, "a different program ran on the checkpoint directory");
      String err = c.stderr();
      assertTrue(err.contains("'sessions'") && err.contains("totals"), "the error does not name the operators");
    });
  }

  @Test
  void programWithOtherInputsIsRefusedNamingTheInputs(@TempDir Path tmp) {
    Scenario s = new Scenario(tmp, JobMain.class, "workload=stateless", "events=600", "users=" + USERS,
        "perBatch=20", "batchMs=50", "checkpointBatches=3");
    s.runTest(() -> {
      DiskFaultTest.runPartway(s, 8);
      Scenario other = new Scenario(tmp.resolve("other"), ReceiverJobMain.class, "events=100").checkpointAt(s.ckpt);
      ChildJvm.Child c = other.start();
      int code = c.awaitExit(Scenario.RUN_TIMEOUT);
      other.closeAll();
      assertTrue(code != 0, "a program with other inputs ran on the checkpoint directory");
      assertTrue(c.stderr().contains("a generator stream") && c.stderr().contains("a receiver stream"),
          "the error does not name the inputs:\n" + c.stderr());
    });
  }

  @Test
  void receiverThatThrowsOnStartIsRestartedAndLosesNothing(@TempDir Path tmp) {
    long n = 500;
    Scenario s = new Scenario(tmp, ReceiverJobMain.class, "events=" + n, "block=10", "rate=2000", "batchMs=50",
        "mode=failFirstStart");
    s.runTest(() -> {
      RandomKillTest.killRepeatedly(s, 3, 3);
      ChildJvm.Child last = s.runToCompletion();
      assertTrue(last.stdout().contains("RECEIVER-THROWS"), "the receiver did not throw");
      Verify.receiverRecords(s.out, n, 10, 3);
    });
  }

  @Test
  void storingAnUnregisteredClassThroughTheWalFailsNamingTheClass(@TempDir Path tmp) {
    Scenario s = new Scenario(tmp, ReceiverJobMain.class, "events=100", "block=10", "mode=unregistered");
    s.runTest(() -> {
      ChildJvm.Child c = s.start();
      assertEquals(ReceiverJobMain.STORE_FAILED_EXIT, c.awaitExit(Scenario.RUN_TIMEOUT), "exit code");
      String failure = c.lines().stream().filter(l -> l.startsWith("STORE-FAILED")).findFirst().orElse("");
      assertTrue(failure.contains("Unregistered"), "the store error does not name the class: " + failure);
    });
  }

  @Test
  void absurdDurationsAreRejectedWithIllegalArgumentException() {
    assertThrows(IllegalArgumentException.class, () -> new StreamingContext(Durations.milliseconds(0)));
    assertThrows(IllegalArgumentException.class, () -> new StreamingContext(Durations.milliseconds(-5)));
    StreamingContext ssc = new StreamingContext(Durations.milliseconds(100));
    DStream<Long> in = ssc.generatorStream(new GeneratorSpec<>(i -> i, 0, 10, 100));
    assertThrows(IllegalArgumentException.class, () -> in.window(Durations.milliseconds(150)));
    assertThrows(IllegalArgumentException.class, () -> in.window(Durations.milliseconds(400), Durations.milliseconds(250)));
    assertThrows(IllegalArgumentException.class, () -> in.window(Durations.milliseconds(0)));
    assertThrows(IllegalArgumentException.class, () -> in.window(Durations.milliseconds(-100)));
    assertThrows(IllegalArgumentException.class, () -> in.checkpoint(Durations.milliseconds(0)));
    assertThrows(IllegalArgumentException.class, () -> in.checkpoint(Durations.milliseconds(150)));
    assertThrows(IllegalArgumentException.class, () -> in.mapToPair(i -> new Pair<>(i, 1L))
        .reduceByKeyAndWindow(Long::sum, (a, b) -> a - b, Durations.milliseconds(350), Durations.milliseconds(100)));
    assertThrows(IllegalArgumentException.class, () -> StateSpec.function(
        (Long k, java.util.Optional<Long> v, io.uji.streaming.State<Long> st) -> k).timeout(Durations.milliseconds(0)));
    assertThrows(IllegalArgumentException.class, () -> new GeneratorSpec<>(i -> i, -1, 10, 100));
    assertThrows(IllegalArgumentException.class, () -> new GeneratorSpec<>(i -> i, 0, 0, 100));
    assertThrows(IllegalArgumentException.class, () -> StreamingConfig.defaults().withWorkerThreads(0));
    assertThrows(IllegalArgumentException.class, () -> StreamingConfig.defaults().withCheckpointsRetained(0));
    assertThrows(IllegalArgumentException.class,
        () -> StreamingConfig.defaults().withReceiverRestartDelay(Durations.milliseconds(-1)));
  }
}
