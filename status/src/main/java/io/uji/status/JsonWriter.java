package io.uji.status;

/**
 * Writes JSON text in one pass; commas are placed by the writer. Enough for the page's endpoints
 * (objects, arrays, strings, numbers, booleans, null), so that the module needs no library.
 */
final class JsonWriter {
  private final StringBuilder out = new StringBuilder(256);
  /** Whether the current container needs a comma before its next element. */
  private final java.util.BitSet needsComma = new java.util.BitSet();
  private int depth;
  private boolean afterName;

  JsonWriter beginObject() {
    element();
    out.append('{');
    needsComma.clear(++depth);
    return this;
  }

  JsonWriter endObject() {
    depth--;
    out.append('}');
    return this;
  }

  JsonWriter beginArray() {
    element();
    out.append('[');
    needsComma.clear(++depth);
    return this;
  }

  JsonWriter endArray() {
    depth--;
    out.append(']');
    return this;
  }

  JsonWriter name(String name) {
    element();
    string(name);
    out.append(':');
    afterName = true;
    return this;
  }

  JsonWriter value(String s) {
    element();
    if (s == null) {
      out.append("null");
    } else {
      string(s);
    }
    return this;
  }

  JsonWriter value(long v) {
    element();
    out.append(v);
    return this;
  }

  JsonWriter value(double v) {
    element();
    out.append(Double.isFinite(v) ? Double.toString(v) : "null");
    return this;
  }

  JsonWriter value(boolean v) {
    element();
    out.append(v);
    return this;
  }

  /** Writes a number, string, boolean or null as such, anything else as its text. */
  JsonWriter value(Object v) {
    if (v == null) {
      return value((String) null);
    }
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte
        || v instanceof java.math.BigInteger || v instanceof java.math.BigDecimal) {
      element();
      out.append(v);
      return this;
    }
    if (v instanceof Number n) {
      return value(n.doubleValue());
    }
    if (v instanceof Boolean b) {
      return value((boolean) b);
    }
    return value(v.toString());
  }

  JsonWriter field(String name, String v) {
    return name(name).value(v);
  }

  JsonWriter field(String name, long v) {
    return name(name).value(v);
  }

  JsonWriter field(String name, boolean v) {
    return name(name).value(v);
  }

  /** Before a value or a name: a comma unless first in its container (or right after a name). */
  private void element() {
    if (afterName) {
      afterName = false;
      return;
    }
    if (depth > 0) {
      if (needsComma.get(depth)) {
        out.append(',');
      }
      needsComma.set(depth);
    }
  }

  private void string(String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029) {
            out.append(String.format("\\u%04x", (int) c)); // also safe inside an HTML script
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
