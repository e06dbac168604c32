package io.uji.sql;

import io.uji.streaming.SqlQueryException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Lets exactly one SELECT through, as DuckDB's own parser sees it: {@code json_serialize_sql}
 * serializes SELECT statements only and reports anything else (DDL, DML, SET, PRAGMA, COPY,
 * ATTACH, INSTALL...) as an error; a second statement after a semicolon shows in the statement
 * count. The sandbox ({@link Sandbox}) still stands behind it: a SELECT that reads a file or
 * sets something fails there.
 */
final class QueryGuard {
  private QueryGuard() {}

  /** @throws SqlQueryException (REFUSED) unless {@code query} is exactly one SELECT */
  static void requireOneSelect(Connection c, String query) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT json_extract_string(j, '$.error_message'),"
        + " json_array_length(j, '$.statements') FROM (SELECT json_serialize_sql(?::VARCHAR) AS j)")) {
      ps.setString(1, query);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        String error = rs.getString(1);
        if (error != null) {
          throw new SqlQueryException(SqlQueryException.Reason.REFUSED,
              "Only one read-only SELECT can run here: " + error);
        }
        long statements = rs.getLong(2);
        if (statements != 1) {
          throw new SqlQueryException(SqlQueryException.Reason.REFUSED,
              "Exactly one SELECT can run at a time; this holds " + statements + " statements");
        }
      }
    }
  }
}
