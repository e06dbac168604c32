/**
 * SQL over a running context, on an embedded, sandboxed, in-memory DuckDB. Programs do not use
 * this package directly: with the module on the class path, {@link
 * io.uji.streaming.StreamingContext#sql StreamingContext.sql}, {@code registerTempTable} on a
 * batch and the status page's SQL box work (found by {@link java.util.ServiceLoader}); without
 * it they fail with a message naming the module.
 *
 * <p>Each registered batch is a table, and each stateful operator's state a table named after
 * the operator, read as of one batch boundary. A query is one read-only {@code SELECT} within
 * {@link io.uji.streaming.SqlLimits}; anything else is refused ({@link
 * io.uji.streaming.SqlQueryException}). See the module's README for the tables, the sandbox and
 * the costs.
 */
package io.uji.sql;
