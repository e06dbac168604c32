package io.uji.sql;

import io.uji.engine.hooks.SqlEngine;
import io.uji.engine.hooks.SqlEngineProvider;
import io.uji.streaming.KeyedState;
import io.uji.streaming.SqlLimits;
import java.util.List;

/** Found by {@link java.util.ServiceLoader} when a context first needs SQL. */
public final class DuckDbSqlEngineProvider implements SqlEngineProvider {
  /** Called by {@link java.util.ServiceLoader}; a program has no reason to make one. */
  public DuckDbSqlEngineProvider() {}

  @Override
  public SqlEngine open(SqlLimits limits, List<KeyedState<?, ?>> states) {
    return new DuckDbSqlEngine(limits, states);
  }
}
