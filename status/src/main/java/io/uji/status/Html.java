package io.uji.status;

/** HTML text helpers. */
final class Html {
  private Html() {}

  /** @return {@code s} with the characters that mean something in HTML escaped */
  static String escape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /** @return a byte count as people read it ("1.5 MiB") */
  static String bytes(long n) {
    if (n < 0) {
      return "–";
    }
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /** @return milliseconds as people read them ("850 ms", "2.4 s") */
  static String millis(double ms) {
    if (Double.isNaN(ms) || ms < 0) {
      return "–";
    }
    return ms < 10_000 ? String.format(java.util.Locale.ROOT, "%.0f ms", ms)
        : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000);
  }
}
