package io.uji.bench.failover;

import java.util.HashMap;
import java.util.Map;

/** The {@code key=value} arguments of the failover benchmark's mains. */
final class Args {
  private Args() {}

  static Map<String, String> parse(String[] args) {
    Map<String, String> m = new HashMap<>();
    for (String s : args) {
      int eq = s.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("expected key=value, got " + s);
      }
      m.put(s.substring(0, eq), s.substring(eq + 1));
    }
    return m;
  }

  static String required(Map<String, String> a, String key) {
    String v = a.get(key);
    if (v == null) {
      throw new IllegalArgumentException("missing " + key + "=...");
    }
    return v;
  }
}
