package io.uji.recovery;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opentest4j.TestAbortedException;

/**
 * One job on one checkpoint directory, started again and again in child JVMs. Keeps every
 * child so a failure can print the last runs' output.
 */
final class Scenario {
  static final int KILLED = 137;
  static final int HALTED = io.uji.checkpoint.CrashPoints.EXIT_CODE;
  static final Duration RUN_TIMEOUT = Duration.ofSeconds(120);

  final Path root;
  Path ckpt;
  Path out;
  final Path logs;
  private final Class<?> main;
  private final Map<String, String> args = new LinkedHashMap<>();
  /** System properties of every run (before those given to {@link #start}). */
  private final Map<String, String> properties = new LinkedHashMap<>();
  private final List<ChildJvm.Child> runs = new ArrayList<>();

  Scenario(Path root, Class<?> main, String... keyValues) {
    this.root = root;
    this.ckpt = root.resolve("ckpt");
    this.out = root.resolve("out");
    this.logs = root.resolve("logs");
    this.main = main;
    args.put("checkpoint", ckpt.toString());
    args.put("out", out.toString());
    for (String kv : keyValues) {
      int eq = kv.indexOf('=');
      args.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
  }

  /** Moves the checkpoint directory (for example onto a tmpfs); logs and outputs stay. */
  Scenario checkpointAt(Path dir) {
    this.ckpt = dir;
    args.put("checkpoint", dir.toString());
    return this;
  }

  Scenario set(String key, Object value) {
    args.put(key, String.valueOf(value));
    return this;
  }

  /** Sets a system property of every later run. */
  Scenario property(String key, Object value) {
    properties.put(key, String.valueOf(value));
    return this;
  }

  /** Starts a run with the given system properties (name, value, name, value, ...). */
  ChildJvm.Child start(Object... props) {
    ChildJvm b = ChildJvm.of(main);
    args.forEach((k, v) -> b.args(k + "=" + v));
    properties.forEach(b::prop);
    for (int i = 0; i < props.length; i += 2) {
      b.prop(String.valueOf(props[i]), props[i + 1]);
    }
    ChildJvm.Child c = b.start(logs, "run-" + (runs.size() + 1));
    runs.add(c);
    return c;
  }

  /** Runs to the end; @return the child (fails with its output unless it exits 0). */
  ChildJvm.Child runToCompletion() {
    ChildJvm.Child c = start();
    try {
      int code = c.awaitExit(RUN_TIMEOUT);
      if (code != 0) {
        throw new AssertionError("the final run exited with " + code + "\n" + report());
      }
      return c;
    } finally {
      c.close();
    }
  }

  int runs() {
    return runs.size();
  }

  /** @return the output of the last few runs, for failure messages */
  String report() {
    StringBuilder sb = new StringBuilder();
    for (ChildJvm.Child c : runs.subList(Math.max(0, runs.size() - 3), runs.size())) {
      sb.append(c.report()).append('\n');
    }
    return sb.toString();
  }

  void closeAll() {
    runs.forEach(ChildJvm.Child::close);
  }

  /** A test's steps on a scenario. */
  interface Steps {
    void run() throws Exception;
  }

  /**
   * The frame of every crash test, written once: runs {@code steps}; if they fail, the failure
   * carries the output of the last runs; in the end every child JVM of the scenario is closed.
   * A skipped test (a failed assumption) stays skipped.
   */
  void runTest(Steps steps) {
    try {
      steps.run();
    } catch (TestAbortedException skipped) {
      throw skipped;
    } catch (Throwable t) {
      throw new AssertionError(t + "\n" + report(), t);
    } finally {
      closeAll();
    }
  }
}
