package io.uji.sql;

import java.sql.SQLException;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBColumnType;
import org.duckdb.DuckDBWritableVector;

/** The SQL types a Java field maps to; each hands a non-null Java value to DuckDB. */
enum SqlType {
  VARCHAR(DuckDBColumnType.VARCHAR) {
    @Override
    void append(DuckDBAppender a, Object v) throws SQLException {
      a.append(text(v));
    }

    @Override
    void set(DuckDBWritableVector vector, long row, Object v) {
      vector.setString(row, text(v));
    }
  },
  BIGINT(DuckDBColumnType.BIGINT) {
    @Override
    void append(DuckDBAppender a, Object v) throws SQLException {
      a.append(((Number) v).longValue());
    }

    @Override
    void set(DuckDBWritableVector vector, long row, Object v) {
      vector.setLong(row, ((Number) v).longValue());
    }
  },
  INTEGER(DuckDBColumnType.INTEGER) {
    @Override
    void append(DuckDBAppender a, Object v) throws SQLException {
      a.append(((Number) v).intValue());
    }

    @Override
    void set(DuckDBWritableVector vector, long row, Object v) {
      vector.setInt(row, ((Number) v).intValue());
    }
  },
  DOUBLE(DuckDBColumnType.DOUBLE) {
    @Override
    void append(DuckDBAppender a, Object v) throws SQLException {
      a.append(((Number) v).doubleValue());
    }

    @Override
    void set(DuckDBWritableVector vector, long row, Object v) {
      vector.setDouble(row, ((Number) v).doubleValue());
    }
  },
  BOOLEAN(DuckDBColumnType.BOOLEAN) {
    @Override
    void append(DuckDBAppender a, Object v) throws SQLException {
      a.append((boolean) (Boolean) v);
    }

    @Override
    void set(DuckDBWritableVector vector, long row, Object v) {
      vector.setBoolean(row, (Boolean) v);
    }
  };

  private final DuckDBColumnType duckType;

  SqlType(DuckDBColumnType duckType) {
    this.duckType = duckType;
  }

  DuckDBColumnType duckType() {
    return duckType;
  }

  abstract void append(DuckDBAppender a, Object v) throws SQLException;

  abstract void set(DuckDBWritableVector vector, long row, Object v);

  private static String text(Object v) {
    return v instanceof Enum<?> e ? e.name() : v.toString();
  }

  /**
   * @return the type of a Java field of class {@code c}
   * @throws IllegalArgumentException naming {@code where} if SQL cannot show it
   */
  static SqlType of(Class<?> c, String where) {
    if (c == String.class || c == char.class || c == Character.class || c.isEnum()) {
      return VARCHAR;
    }
    if (c == long.class || c == Long.class) {
      return BIGINT;
    }
    if (c == int.class || c == Integer.class || c == short.class || c == Short.class || c == byte.class
        || c == Byte.class) {
      return INTEGER;
    }
    if (c == double.class || c == Double.class || c == float.class || c == Float.class) {
      return DOUBLE;
    }
    if (c == boolean.class || c == Boolean.class) {
      return BOOLEAN;
    }
    throw new IllegalArgumentException(where + " has type " + c.getName() + ", which SQL cannot show; map it to a"
        + " String, a number, a boolean or a record of those first");
  }
}
