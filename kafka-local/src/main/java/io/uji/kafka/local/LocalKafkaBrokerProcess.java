package io.uji.kafka.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.Utils;

/**
 * A real single-node Kafka broker in its own JVM ({@link BrokerMain}, started with this JVM's
 * classpath), for tests that kill things: {@link #kill()} is SIGKILL (no shutdown hook, no
 * flush: what a crash or {@code kill -9} does), {@link #restart()} starts it again over the same
 * data directory on the same port.
 *
 * <pre>{@code
 * try (LocalKafkaBrokerProcess broker = LocalKafkaBrokerProcess.start(BrokerSettings.defaults())) {
 *   ... broker.bootstrapServers() ...
 *   broker.kill();
 *   broker.restart();
 * } // a failing test can print broker.output()
 * }</pre>
 *
 * <p>Readiness is the ready file the child writes once its broker accepts requests; the parent
 * polls for it with a deadline (and fails at once, with the child's output, if the child exits).
 * The child's stdout and stderr are appended to {@link #outputFile()} in the data directory,
 * across restarts. The child exits by itself if this JVM dies, so no broker outlives its test.
 *
 * <p>Thread-safe.
 */
public final class LocalKafkaBrokerProcess implements AutoCloseable {
  /**
   * The child's JVM options when none are given: a small heap, the serial collector and C1 only
   * (tiered compilation stopped at level 1) for the fastest start and a small footprint on a
   * busy 2-core machine. A benchmark that loads the broker hard should pass its own (for example
   * Kafka's {@code -Xmx1g -Xms1g -XX:+UseG1GC}).
   */
  public static final List<String> DEFAULT_JVM_OPTIONS = List.of(
      "-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto");
  /** How long a start may take before the child is killed and the start fails. */
  public static final Duration START_TIMEOUT = Duration.ofMinutes(2);
  /** How long {@link #stop()} waits for a clean shutdown before it kills the child. */
  public static final Duration STOP_TIMEOUT = Duration.ofMinutes(1);

  private static final Duration POLL = Duration.ofMillis(20);

  private final Path dataDir;
  private final boolean ownsDataDir;
  private final Map<String, String> extraProperties;
  private final List<String> jvmOptions;
  private final long parentPid;
  private final Path readyFile;
  private final Path outputFile;
  private int port;
  private Process process;
  private String bootstrapServers;
  private boolean closed;

  private LocalKafkaBrokerProcess(Path dataDir, boolean ownsDataDir, BrokerSettings settings, List<String> jvmOptions,
      long parentPid) {
    this.dataDir = dataDir;
    this.parentPid = parentPid;
    this.ownsDataDir = ownsDataDir;
    this.extraProperties = settings.extraProperties();
    this.jvmOptions = List.copyOf(jvmOptions);
    this.port = settings.port();
    this.readyFile = dataDir.resolve("broker.ready");
    this.outputFile = dataDir.resolve("broker.out");
  }

  /**
   * Starts a broker JVM with {@link #DEFAULT_JVM_OPTIONS} and returns once it accepts requests.
   *
   * @throws LocalKafkaException if the child cannot be started, exits, or is not ready within
   *     {@link #START_TIMEOUT} (the message holds the end of its output)
   */
  public static LocalKafkaBrokerProcess start(BrokerSettings settings) {
    return start(settings, DEFAULT_JVM_OPTIONS);
  }

  /**
   * Starts a broker JVM with the given JVM options and returns once it accepts requests.
   *
   * @throws LocalKafkaException if the child cannot be started, exits, or is not ready within
   *     {@link #START_TIMEOUT} (the message holds the end of its output)
   */
  public static LocalKafkaBrokerProcess start(BrokerSettings settings, List<String> jvmOptions) {
    return start(settings, jvmOptions, ProcessHandle.current().pid());
  }

  /** As {@link #start(BrokerSettings, List)}, but the child exits with the process {@code parentPid}. */
  static LocalKafkaBrokerProcess start(BrokerSettings settings, List<String> jvmOptions, long parentPid) {
    Path dir = settings.dataDir();
    boolean owns = dir == null;
    try {
      dir = owns ? Files.createTempDirectory("uji-kafka-process-") : Files.createDirectories(dir);
    } catch (IOException e) {
      throw new LocalKafkaException("Cannot create the Kafka data directory " + (owns ? "(temporary)" : dir), e);
    }
    LocalKafkaBrokerProcess broker = new LocalKafkaBrokerProcess(dir, owns, settings, jvmOptions, parentPid);
    try {
      broker.launch();
      return broker;
    } catch (RuntimeException e) {
      try {
        broker.close();
      } catch (RuntimeException closeFailure) {
        e.addSuppressed(closeFailure);
      }
      throw e;
    }
  }

  /** {@code 127.0.0.1:PORT}, the same across {@link #kill()} and {@link #restart()}. */
  public synchronized String bootstrapServers() {
    return bootstrapServers;
  }

  /** The client port. */
  public synchronized int port() {
    return port;
  }

  /** The broker's data directory (also holds {@link #outputFile()}). */
  public Path dataDir() {
    return dataDir;
  }

  /** The file the child's stdout and stderr are appended to, across restarts. */
  public Path outputFile() {
    return outputFile;
  }

  /** The child's output so far (its last 20,000 characters), for a failing test to print. */
  public String output() {
    try {
      String all = Files.exists(outputFile) ? Files.readString(outputFile, StandardCharsets.UTF_8) : "";
      return all.length() <= 20_000 ? all : "...\n" + all.substring(all.length() - 20_000);
    } catch (IOException e) {
      return "<cannot read " + outputFile + ": " + e + ">";
    }
  }

  /** True while the child JVM runs. */
  public synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** The child's process id (of the current incarnation). */
  public synchronized long pid() {
    if (process == null) {
      throw new IllegalStateException("No broker process was started");
    }
    return process.pid();
  }

  /**
   * SIGKILLs the child (no shutdown hook runs, nothing is flushed) and waits until it is gone.
   * Does nothing if it is not running.
   *
   * @throws IllegalStateException if this was closed
   */
  public synchronized void kill() {
    ensureOpen("kill");
    killNow();
  }

  /**
   * Stops the child cleanly (SIGTERM: its broker shuts down and flushes) and waits until it is
   * gone; kills it if it takes longer than {@link #STOP_TIMEOUT}. Does nothing if it is not running.
   *
   * @throws IllegalStateException if this was closed
   */
  public synchronized void stop() {
    ensureOpen("stop");
    if (!isAlive()) {
      return;
    }
    process.destroy();
    if (!waitForExit(STOP_TIMEOUT)) {
      killNow();
    }
  }

  /**
   * Stops the child cleanly if it runs, then starts a new one over the same data directory on
   * the same port and returns once it accepts requests.
   *
   * @throws LocalKafkaException if the new child does not become ready (see {@link #start})
   * @throws IllegalStateException if this was closed
   */
  public synchronized void restart() {
    ensureOpen("restart");
    stop();
    launch();
  }

  /**
   * Kills the child if it runs (quick; its data does not matter any more) and deletes the data
   * directory if {@link #start} created it. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    killNow();
    if (ownsDataDir) {
      try {
        Utils.delete(dataDir.toFile());
      } catch (IOException e) {
        throw new LocalKafkaException("Cannot delete the temporary Kafka data directory " + dataDir, e);
      }
    }
  }

  @Override
  public String toString() {
    return "LocalKafkaBrokerProcess[" + bootstrapServers + ", " + dataDir + "]";
  }

  private void launch() {
    List<String> command = command();
    try {
      Files.deleteIfExists(readyFile);
      String mainAndArgs = String.join(" ", command.subList(command.indexOf(BrokerMain.class.getName()), command.size()));
      Files.writeString(outputFile, "---- " + mainAndArgs + "\n", StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      ProcessBuilder.Redirect append = ProcessBuilder.Redirect.appendTo(outputFile.toFile());
      process = new ProcessBuilder(command).redirectOutput(append).redirectError(append).start();
    } catch (IOException e) {
      throw new LocalKafkaException("Cannot start a Kafka broker JVM over " + dataDir, e);
    }
    bootstrapServers = awaitReady();
    port = Integer.parseInt(bootstrapServers.substring(bootstrapServers.lastIndexOf(':') + 1));
  }

  private List<String> command() {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(BrokerMain.class.getName());
    command.add("--dir");
    command.add(dataDir.toString());
    command.add("--port");
    command.add(Integer.toString(port));
    command.add("--ready-file");
    command.add(readyFile.toString());
    command.add("--parent-pid");
    command.add(Long.toString(parentPid));
    extraProperties.forEach((key, value) -> {
      command.add("--property");
      command.add(key + "=" + value);
    });
    return command;
  }

  /** Polls for the ready file; returns its address. Kills the child if it is not ready in time. */
  private String awaitReady() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      if (Files.exists(readyFile)) {
        try {
          return Files.readString(readyFile, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
          throw new LocalKafkaException("Cannot read the ready file " + readyFile, e);
        }
      }
      if (!process.isAlive()) {
        throw new LocalKafkaException("The Kafka broker JVM over " + dataDir + " exited with " + process.exitValue()
            + " before it was ready; its output (" + outputFile + "):\n" + output());
      }
      if (System.nanoTime() > deadline) {
        killNow();
        throw new LocalKafkaException("The Kafka broker JVM over " + dataDir + " was not ready within "
            + START_TIMEOUT + "; its output (" + outputFile + "):\n" + output());
      }
      // Waits on the child's exit, not a fixed sleep: returns at once if the child dies.
      waitForExit(POLL);
    }
  }

  private void killNow() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      waitForExit(STOP_TIMEOUT);
    }
  }

  private boolean waitForExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LocalKafkaException("Interrupted while waiting for the Kafka broker JVM over " + dataDir, e);
    }
  }

  private void ensureOpen(String operation) {
    if (closed) {
      throw new IllegalStateException("Cannot " + operation + " the Kafka broker process over " + dataDir
          + ": it was closed");
    }
  }
}
