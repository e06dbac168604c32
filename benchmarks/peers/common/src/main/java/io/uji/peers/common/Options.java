package io.uji.peers.common;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code --name value} options of one run. Every option a workload reads is remembered, so
 * that {@link #rejectUnknown()} can refuse a misspelt option instead of silently running with a
 * default.
 */
public final class Options {
  private final Map<String, String> values = new LinkedHashMap<>();
  private final Set<String> known = new TreeSet<>();

  /**
   * @param args {@code --name value} pairs
   * @throws IllegalArgumentException if an argument is not a {@code --name} followed by a value
   */
  public Options(String[] args) {
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value pairs, got '" + args[i] + "'");
      }
      values.put(args[i].substring(2), args[i + 1]);
    }
  }

  /** @throws IllegalArgumentException if the value is not a whole number (underscores allowed) */
  public long longOpt(String name, long dflt) {
    known.add(name);
    String v = values.get(name);
    try {
      return v == null ? dflt : Long.parseLong(v.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a whole number, got '" + v + "'", e);
    }
  }

  public String stringOpt(String name, String dflt) {
    known.add(name);
    return values.getOrDefault(name, dflt);
  }

  /** @throws IllegalArgumentException if the value is neither true nor false */
  public boolean boolOpt(String name, boolean dflt) {
    String v = stringOpt(name, Boolean.toString(dflt));
    if (!v.equals("true") && !v.equals("false")) {
      throw new IllegalArgumentException("--" + name + " must be true or false, got '" + v + "'");
    }
    return Boolean.parseBoolean(v);
  }

  /**
   * Marks options as accepted without being used (for instance the batch options of the common
   * side-by-side command line that a workload does not need).
   */
  public void accept(String... names) {
    for (String n : names) {
      known.add(n);
    }
  }

  /** @return the options as {@code --name value} arguments, without those named in {@code except} */
  public List<String> asArgs(String... except) {
    List<String> out = new ArrayList<>();
    values.forEach((name, value) -> {
      if (!List.of(except).contains(name)) {
        out.add("--" + name);
        out.add(value);
      }
    });
    return out;
  }

  /** @throws IllegalArgumentException naming the first option no one read, and the known ones */
  public void rejectUnknown() {
    for (String name : values.keySet()) {
      if (!known.contains(name)) {
        throw new IllegalArgumentException("unknown option --" + name + " (known: --" + String.join(" --", known) + ")");
      }
    }
  }
}
