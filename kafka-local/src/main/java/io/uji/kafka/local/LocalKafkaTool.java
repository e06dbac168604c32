package io.uji.kafka.local;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The runnable jar {@code uji-local-kafka.jar}: a Kafka broker for users without one, the loader
 * of the benchmark workload, and a reader of topics (to see what a job wrote).
 *
 * <pre>
 * java -jar uji-local-kafka.jar broker --port 9092 --dir /tmp/uji-kafka
 * java -jar uji-local-kafka.jar load --bootstrap 127.0.0.1:9092 --topic events --events 3000000 --users 100000
 * java -jar uji-local-kafka.jar read --bootstrap 127.0.0.1:9092 --topic counts --latest
 * </pre>
 */
@Command(name = "uji-local-kafka", mixinStandardHelpOptions = true, versionProvider = KafkaVersion.class,
    description = "A local Kafka broker, the session-count event loader, and a reader of topics.",
    subcommands = {BrokerCommand.class, LoadCommand.class, ReadCommand.class})
public final class LocalKafkaTool {
  private LocalKafkaTool() {}

  /**
   * Runs the command named by the first argument ({@code broker} or {@code load}; {@code --help}
   * lists them) and exits the JVM with its exit code (0 on success, 2 for bad options, 1 if the
   * command failed, its message and causes printed without a stack trace).
   *
   * @param args the command and its options
   */
  public static void main(String[] args) {
    QuietLogging.install();
    System.exit(commandLine().execute(args));
  }

  /** The command line of the tool, with its subcommands. */
  static CommandLine commandLine() {
    return commandLine(new LocalKafkaTool());
  }

  /**
   * A picocli command line whose errors are one line in the user's terms: a bad option gets the
   * usage message, a failure its message chain, not a stack trace.
   */
  static CommandLine commandLine(Object command) {
    CommandLine cli = new CommandLine(command);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      StringBuilder message = new StringBuilder("Error: ").append(e.getMessage());
      for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
        message.append("\n  caused by: ").append(cause);
      }
      commandLine.getErr().println(message);
      return 1;
    });
    return cli;
  }
}
