package io.uji.recovery;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Starts {@code java -cp <this test classpath> Main args} with system properties, stdout and
 * stderr captured to files. Coordination is by the child's output lines (see {@link
 * Child#awaitLine}) or marker files, never by sleeping. {@link Child#kill()} is SIGKILL
 * ({@code destroyForcibly}): no shutdown hook and no finally block of the child runs.
 */
final class ChildJvm {
  private final Class<?> main;
  private final List<String> args = new ArrayList<>();
  private final Map<String, String> props = new LinkedHashMap<>();
  private final List<String> jvmArgs = new ArrayList<>(List.of(
      "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto"));

  private ChildJvm(Class<?> main) {
    this.main = main;
  }

  static ChildJvm of(Class<?> main) {
    return new ChildJvm(main);
  }

  ChildJvm args(String... a) {
    args.addAll(List.of(a));
    return this;
  }

  ChildJvm args(List<String> a) {
    args.addAll(a);
    return this;
  }

  ChildJvm prop(String key, Object value) {
    props.put(key, String.valueOf(value));
    return this;
  }

  ChildJvm jvmArg(String a) {
    jvmArgs.add(a);
    return this;
  }

  /** Starts the child; its output goes to {@code <logDir>/<name>.out} and {@code .err}. */
  Child start(Path logDir, String name) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmArgs);
    props.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    cmd.addAll(args);
    try {
      Files.createDirectories(logDir);
      Path out = logDir.resolve(name + ".out");
      Path err = logDir.resolve(name + ".err");
      Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      return new Child(name, String.join(" ", cmd.subList(cmd.indexOf(main.getName()), cmd.size())), p, out, err);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start " + main.getName(), e);
    }
  }

  /** A running (or finished) child JVM. Close it in a finally block: it is killed if still alive. */
  static final class Child implements AutoCloseable {
    final String name;
    final String command;
    final Process process;
    final Path stdout;
    final Path stderr;

    Child(String name, String command, Process process, Path stdout, Path stderr) {
      this.name = name;
      this.command = command;
      this.process = process;
      this.stdout = stdout;
      this.stderr = stderr;
    }

    String stdout() {
      return read(stdout);
    }

    String stderr() {
      return read(stderr);
    }

    List<String> lines() {
      return stdout().lines().toList();
    }

    /** Waits until a stdout line matches, failing (with the output) if the child exits first. */
    String awaitLine(Predicate<String> p, Duration timeout) {
      String[] found = new String[1];
      try {
        await().atMost(timeout).pollInterval(Duration.ofMillis(20)).until(() -> {
          for (String l : lines()) {
            if (p.test(l)) {
              found[0] = l;
              return true;
            }
          }
          if (!process.isAlive()) {
            // Re-read: the line may have been written just before the exit.
            for (String l : lines()) {
              if (p.test(l)) {
                found[0] = l;
                return true;
              }
            }
            throw new AssertionError("child exited with " + process.exitValue() + " before the awaited line\n"
                + report());
          }
          return false;
        });
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        throw new AssertionError("awaited line did not appear within " + timeout + "\n" + report(), e);
      }
      return found[0];
    }

    /** Waits for the exit; @return the exit code. Fails with the child's output on timeout. */
    int awaitExit(Duration timeout) {
      try {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          kill();
          throw new AssertionError("child did not exit within " + timeout + "\n" + report());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
      return process.exitValue();
    }

    /**
     * SIGSTOP: the JVM freezes (no thread runs, no heartbeat is sent) as in a long GC pause or a
     * suspended VM, until {@link #resume()}.
     */
    void pause() {
      signal("STOP");
    }

    /** SIGCONT: a paused JVM runs on from where it stopped. */
    void resume() {
      signal("CONT");
    }

    /** @return the child's threads ({@code jcmd <pid> Thread.print}), for a failure message */
    String threadDump() {
      Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
      try {
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "Thread.print")
            .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return "---- threads of " + name + ":\n" + out;
      } catch (IOException e) {
        return "<no thread dump of " + name + ": " + e + ">";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "<interrupted>";
      }
    }

    private void signal(String name) {
      try {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
          throw new AssertionError("kill -" + name + " " + process.pid() + " failed\n" + report());
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }

    /** SIGKILL, then waits until the process is gone. */
    void kill() {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    String report() {
      return "---- child " + name + ": " + command + "\n---- stdout (" + stdout + "):\n" + tail(stdout())
          + "\n---- stderr (" + stderr + "):\n" + tail(stderr());
    }

    private static String tail(String s) {
      return s.length() <= 20_000 ? s : "...\n" + s.substring(s.length() - 20_000);
    }

    @Override
    public void close() {
      if (process.isAlive()) {
        kill();
      }
    }

    private static String read(Path p) {
      try {
        return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
      } catch (IOException e) {
        return "<cannot read " + p + ": " + e + ">";
      }
    }
  }
}
