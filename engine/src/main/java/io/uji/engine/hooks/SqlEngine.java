package io.uji.engine.hooks;

import io.uji.streaming.Dataset;
import io.uji.streaming.SqlResult;

/** A context's SQL engine. Thread-safe: batches register tables while pages and users query. */
public interface SqlEngine extends AutoCloseable {
  /**
   * Makes {@code rows} the contents of the table {@code name}, replacing what it held.
   *
   * @throws IllegalArgumentException if the name cannot name a table (or is a state's), or a field
   *     of the elements has a type SQL cannot show
   * @throws io.uji.streaming.SqlQueryException if DuckDB fails to store the rows
   */
  void registerTable(String name, Dataset<?> rows);

  /**
   * Runs one read-only query within the limits.
   *
   * @throws io.uji.streaming.SqlQueryException if it is refused, fails or times out
   */
  SqlResult query(String sql);

  @Override
  void close();
}
