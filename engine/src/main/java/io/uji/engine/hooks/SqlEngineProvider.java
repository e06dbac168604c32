package io.uji.engine.hooks;

import io.uji.streaming.KeyedState;
import io.uji.streaming.SqlLimits;
import java.util.List;

/**
 * Runs SQL for a context; found with {@link java.util.ServiceLoader} the first time a running
 * context needs SQL ({@code ssc.sql}, {@code registerTempTable}); the uji-sql module provides
 * one.
 */
public interface SqlEngineProvider {
  /**
   * @param limits what every query may use
   * @param states every stateful operator's queryable state, each to be a table named after it
   * @return an engine owned by the context from now on (closed when it stops)
   */
  SqlEngine open(SqlLimits limits, List<KeyedState<?, ?>> states);
}
