package io.uji.sql;

import io.uji.streaming.SqlLimits;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.duckdb.DuckDBConnection;

/**
 * Locks down a DuckDB database before any user query runs: no extension is loaded or installed
 * (DuckDB would otherwise download one for {@code read_csv('http://...')}), nothing spills to
 * disk (by default DuckDB spills to {@code ./.tmp} of the service's working directory and leaves
 * it there), no file or network access ({@code read_csv}, {@code COPY TO}, {@code ATTACH}), a
 * memory limit and a thread count, then the configuration is locked so that a query's {@code
 * SET} cannot undo any of it. Measured in the SQL engine comparison (docs/PERFORMANCE.md).
 */
final class Sandbox {
  private Sandbox() {}

  /** Applies the settings on {@code db}; the order matters (see each line). */
  static void apply(DuckDBConnection db, SqlLimits limits) throws SQLException {
    List<String> settings = List.of(
        "autoinstall_known_extensions = false",
        "autoload_known_extensions = false",
        "allow_community_extensions = false",
        // Before enable_external_access: once external access is off, temp_directory cannot change.
        "temp_directory = ''",
        "enable_external_access = false",
        "memory_limit = '" + (limits.memoryBytes() >> 20) + "MiB'",
        "threads = " + limits.threads(),
        // Last: nothing can be SET afterwards, by anyone.
        "lock_configuration = true");
    try (Statement s = db.createStatement()) {
      for (String setting : settings) {
        s.execute("SET " + setting);
      }
    }
  }
}
