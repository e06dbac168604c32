package io.uji.sql;

/** SQL text helpers. */
final class Sql {
  private Sql() {}

  /** @return {@code name} as a quoted identifier ({@code "a""b"}) */
  static String quote(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /** @return {@code text} as a string literal */
  static String literal(String text) {
    return '\'' + text.replace("'", "''") + '\'';
  }

  /**
   * @throws IllegalArgumentException if {@code name} cannot name a table: empty, longer than 128
   *     characters, with control characters, or starting with {@code __uji} (Uji's own tables)
   */
  static String checkTableName(String name) {
    if (name.isEmpty() || name.length() > 128 || name.chars().anyMatch(Character::isISOControl)
        || name.startsWith("__uji")) {
      throw new IllegalArgumentException("'" + name + "' cannot name a SQL table: use 1 to 128 printable characters,"
          + " not starting with __uji");
    }
    return name;
  }
}
