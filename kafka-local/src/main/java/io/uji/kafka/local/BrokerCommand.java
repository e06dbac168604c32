package io.uji.kafka.local;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.utils.internals.AppInfoParser;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code broker}: runs a {@link LocalKafkaBroker} in this process until the process is stopped
 * (Ctrl-C / SIGTERM: a clean shutdown) or killed. Fatal broker faults halt the process, as in a
 * real broker ({@link FatalFaultPolicy#HALT_JVM}).
 */
@Command(name = "broker", mixinStandardHelpOptions = true, versionProvider = KafkaVersion.class,
    description = "Runs a single-node Kafka broker (KRaft) on 127.0.0.1 until Ctrl-C.")
final class BrokerCommand implements Callable<Integer> {
  /** The start of the line printed once the broker accepts requests; the address follows. */
  static final String READY_PREFIX = "Kafka broker ready at ";

  @Spec
  private CommandSpec spec;

  @Option(names = "--dir", paramLabel = "DIR",
      description = "Data directory, kept after exit (a later run continues with its topics). "
          + "Default: a temporary directory deleted at exit.")
  private Path dir;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "9092",
      description = "Client port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  private int port;

  @Option(names = "--property", paramLabel = "KEY=VALUE",
      description = "A broker property that overrides the single-node settings (repeatable), "
          + "e.g. --property log.retention.ms=60000")
  private Map<String, String> properties = new LinkedHashMap<>();

  @Option(names = "--ready-file", paramLabel = "FILE",
      description = "Written with the bootstrap address (atomically) once the broker accepts requests.")
  private Path readyFile;

  @Option(names = "--parent-pid", paramLabel = "PID", hidden = true,
      description = "Exit when the process with this id exits (a test JVM that started this broker).")
  private Long parentPid;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    BrokerSettings settings = new BrokerSettings(dir, port, properties);
    LocalKafkaBroker broker = LocalKafkaBroker.start(settings, FatalFaultPolicy.HALT_JVM);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        broker.close();
        out.println("Kafka broker at " + broker.bootstrapServers() + " stopped.");
        out.flush();
      } finally {
        stopped.countDown();
      }
    }, "local-kafka-broker-shutdown"));
    if (readyFile != null) {
      writeAtomically(readyFile, broker.bootstrapServers());
    }
    out.println(READY_PREFIX + broker.bootstrapServers() + " (Kafka " + AppInfoParser.getVersion()
        + ", data in " + broker.dataDir() + (dir == null ? ", deleted at exit" : "") + "). Ctrl-C stops it.");
    out.flush();
    if (parentPid != null) {
      // The test JVM that started this broker may die without closing it (killed by a timeout):
      // then the broker must not outlive it.
      ProcessHandle.of(parentPid).ifPresentOrElse(
          parent -> parent.onExit().thenRun(() -> System.exit(0)),
          () -> System.exit(0));
    }
    stopped.await();
    return 0;
  }

  private static void writeAtomically(Path file, String content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, content + "\n", StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
