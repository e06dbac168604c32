package io.uji.kafka.local;

/**
 * The main class of a broker in its own JVM ({@link LocalKafkaBrokerProcess} starts it with the
 * test classpath): the {@code broker} command of {@link LocalKafkaTool}.
 *
 * <pre>
 * java -cp CLASSPATH io.uji.kafka.local.BrokerMain --dir D --port P [--property k=v ...] [--ready-file F]
 * </pre>
 *
 * Prints {@value BrokerCommand#READY_PREFIX}{@code 127.0.0.1:P ...} and writes the ready file
 * once the broker accepts requests; runs until SIGTERM (clean shutdown) or SIGKILL.
 */
public final class BrokerMain {
  private BrokerMain() {}

  /**
   * Runs the broker and exits the JVM with picocli's exit code (0 after a clean shutdown, 2 for
   * bad options, 1 if the broker failed).
   *
   * @param args the {@code broker} command's options, as above
   */
  public static void main(String[] args) {
    QuietLogging.install();
    System.exit(LocalKafkaTool.commandLine(new BrokerCommand()).execute(args));
  }
}
