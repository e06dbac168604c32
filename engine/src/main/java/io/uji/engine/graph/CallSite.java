package io.uji.engine.graph;

import java.util.Optional;

/**
 * Where a program called into the API (Spark's call site): the first frame of the stack outside
 * Uji's API and engine classes, so that an error can name the user's line that registered an
 * operator.
 */
final class CallSite {
  private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

  private CallSite() {}

  /** @return "class.method(File.java:line)" of the program's caller, or null if there is none */
  static String ofCaller() {
    Optional<StackWalker.StackFrame> frame = WALKER.walk(s -> s.filter(f -> !isUji(f.getDeclaringClass())).findFirst());
    return frame.map(f -> f.toStackTraceElement().toString()).orElse(null);
  }

  /** The engine's classes and the API's own (not the program's classes, which may share the package). */
  private static boolean isUji(Class<?> c) {
    String n = c.getName();
    return n.startsWith("io.uji.engine.") || (n.startsWith("io.uji.streaming.") && c.getProtectionDomain()
        .getCodeSource() == io.uji.streaming.Dataset.class.getProtectionDomain().getCodeSource());
  }
}
