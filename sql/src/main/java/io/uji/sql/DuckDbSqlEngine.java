package io.uji.sql;

import io.uji.engine.hooks.SqlEngine;
import io.uji.streaming.Dataset;
import io.uji.streaming.KeyedState;
import io.uji.streaming.SqlLimits;
import io.uji.streaming.SqlQueryException;
import io.uji.streaming.SqlResult;
import java.math.BigDecimal;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBFunctions;
import org.duckdb.DuckDBColumnType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One context's SQL on an in-memory DuckDB that this engine owns.
 *
 * <ul>
 *   <li>A registered batch is copied into a fresh table with DuckDB's appender (~10 ms per 10 k
 *       rows), then the table {@code name} — a view — is switched to it in one statement and the
 *       previous copy dropped: a query sees the old batch or the new one, never half of one.
 *   <li>A stateful operator's state is a view over {@link StateScanFunction}: nothing is copied
 *       until a query reads it, and then only the columns it needs, as of one batch boundary.
 *   <li>A query must be one SELECT ({@link QueryGuard}); the database is sandboxed ({@link
 *       Sandbox}); it is interrupted after the timeout, and reading stops at the row limit
 *       (DuckDB's JDBC ignores {@code setMaxRows}; results are streamed, so the rest is never
 *       computed).
 * </ul>
 *
 * <p>Thread-safe: each call uses its own duplicate connection; {@link #close()} cancels the
 * queries in flight, then closes the database.
 */
final class DuckDbSqlEngine implements SqlEngine {
  private static final Logger LOG = LoggerFactory.getLogger(DuckDbSqlEngine.class);

  private final SqlLimits limits;
  /** Owns the native database; every call works on a duplicate of it. */
  private final DuckDBConnection db;
  private final Map<String, StateScanFunction.Table> stateTables = new ConcurrentHashMap<>();
  private final List<KeyedState<?, ?>> states;
  private final Set<String> stateNames = ConcurrentHashMap.newKeySet();
  /** States whose key or state type SQL cannot show (warned about once). */
  private final Set<String> unshowable = ConcurrentHashMap.newKeySet();
  /** Per registered table, the backing table it shows now. */
  private final Map<String, String> backing = new ConcurrentHashMap<>();
  private final AtomicLong copies = new AtomicLong();
  private final Set<Statement> running = ConcurrentHashMap.newKeySet();
  /** Calls hold it for reading; close takes it for writing once the running queries are cancelled. */
  private final ReentrantReadWriteLock open = new ReentrantReadWriteLock();
  private volatile boolean closed;

  DuckDbSqlEngine(SqlLimits limits, List<KeyedState<?, ?>> states) {
    this.limits = limits;
    this.states = List.copyOf(states);
    for (KeyedState<?, ?> s : states) {
      stateNames.add(s.name());
    }
    try {
      // Not streamed: with streamed results DuckDB reports every error while fetching (a timeout,
      // out of memory, a failing scan) as "Invalid result set", losing the reason. The row limit
      // is applied by wrapping the query instead (see query), so nothing past it is computed.
      db = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:", new Properties());
    } catch (SQLException e) {
      throw new SqlQueryException(SqlQueryException.Reason.FAILED, "Cannot start DuckDB: " + e.getMessage(), e);
    }
    try {
      DuckDBFunctions.tableFunction().withName("__uji_state").withParameter(DuckDBColumnType.VARCHAR)
          .withProjectionPushdown().withFunction(new StateScanFunction(stateTables)).register(db);
      Sandbox.apply(db, limits);
    } catch (SQLException | RuntimeException e) {
      closeQuietly();
      throw new SqlQueryException(SqlQueryException.Reason.FAILED, "Cannot set up DuckDB: " + e.getMessage(), e);
    }
  }

  @Override
  public void registerTable(String name, Dataset<?> rows) {
    Sql.checkTableName(name);
    if (stateNames.contains(name)) {
      throw new IllegalArgumentException("'" + name + "' is the table of a stateful operator's state; register the"
          + " batch under another name");
    }
    Object sample = first(rows);
    enter();
    try (DuckDBConnection c = db.duplicate(); Statement s = c.createStatement()) {
      String previous = backing.get(name);
      if (sample == null && previous == null) {
        return; // no element to learn the columns from, and no earlier batch: nothing to show yet
      }
      String copy = "__uji_batch_" + copies.incrementAndGet();
      if (sample == null) {
        s.execute("CREATE TABLE " + Sql.quote(copy) + " AS SELECT * FROM " + Sql.quote(previous) + " LIMIT 0");
      } else {
        Columns columns = Columns.ofElement(sample);
        s.execute("CREATE TABLE " + Sql.quote(copy) + " (" + columns.ddl() + ")");
        append(c, copy, columns, rows);
      }
      s.execute("CREATE OR REPLACE VIEW " + Sql.quote(name) + " AS SELECT * FROM " + Sql.quote(copy));
      backing.put(name, copy);
      if (previous != null) {
        s.execute("DROP TABLE " + Sql.quote(previous));
      }
    } catch (SQLException e) {
      throw new SqlQueryException(SqlQueryException.Reason.FAILED,
          "Cannot register the batch as table '" + name + "': " + e.getMessage(), e);
    } finally {
      exit();
    }
  }

  private static Object first(Dataset<?> rows) {
    for (List<?> p : rows.partitions()) {
      if (!p.isEmpty()) {
        return p.get(0);
      }
    }
    return null;
  }

  private static void append(DuckDBConnection c, String table, Columns columns, Dataset<?> rows) throws SQLException {
    List<Column> cols = columns.columns();
    try (DuckDBAppender a = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, table)) {
      for (List<?> part : rows.partitions()) {
        for (Object e : part) {
          a.beginRow();
          for (Column col : cols) {
            Object v = col.read().apply(e);
            if (v == null) {
              a.appendNull();
            } else {
              col.type().append(a, v);
            }
          }
          a.endRow();
        }
      }
    }
  }

  @Override
  public SqlResult query(String sql) {
    enter();
    long started = System.nanoTime();
    try (DuckDBConnection c = db.duplicate()) {
      defineStateViews(c);
      QueryGuard.requireOneSelect(c, sql);
      try (Statement s = c.createStatement()) {
        running.add(s);
        try {
          s.setQueryTimeout((int) Math.max(1, limits.timeout().milliseconds() / 1000));
          // DuckDB's JDBC ignores setMaxRows: limit in SQL, one row more to know there were more.
          try (ResultSet rs = s.executeQuery("SELECT * FROM (" + withoutTrailingSemicolons(sql) + "\n) AS __uji_q LIMIT "
              + (limits.maxRows() + 1))) {
            return read(rs);
          }
        } finally {
          running.remove(s);
        }
      }
    } catch (SQLException e) {
      throw failure(sql, e, System.nanoTime() - started);
    } finally {
      exit();
    }
  }

  private static String withoutTrailingSemicolons(String sql) {
    String s = sql.strip();
    while (s.endsWith(";")) {
      s = s.substring(0, s.length() - 1).strip();
    }
    return s;
  }

  /** Reads at most maxRows rows (and one more, to know whether there were more). */
  private SqlResult read(ResultSet rs) throws SQLException {
    ResultSetMetaData md = rs.getMetaData();
    int n = md.getColumnCount();
    List<String> names = new ArrayList<>(n);
    for (int i = 1; i <= n; i++) {
      names.add(md.getColumnLabel(i));
    }
    List<List<Object>> rows = new ArrayList<>();
    while (rs.next()) {
      if (rows.size() == limits.maxRows()) {
        return new SqlResult(names, rows, true);
      }
      List<Object> row = new ArrayList<>(n);
      for (int i = 1; i <= n; i++) {
        row.add(plain(rs.getObject(i)));
      }
      rows.add(row);
    }
    return new SqlResult(names, rows, false);
  }

  /**
   * @return numbers, strings and booleans as they are (a HUGEINT that fits, such as a sum of
   *     BIGINTs, as a Long); anything else (lists, structs, dates) as text
   */
  private static Object plain(Object v) {
    if (v instanceof java.math.BigInteger b && b.bitLength() < 64) {
      return b.longValue();
    }
    if (v == null || v instanceof String || v instanceof Boolean || v instanceof Long || v instanceof Integer
        || v instanceof Double || v instanceof Float || v instanceof Short || v instanceof Byte
        || v instanceof BigDecimal || v instanceof java.math.BigInteger) {
      return v;
    }
    return v.toString();
  }

  /** Defines the view of each stateful operator whose types are known now (once). */
  private void defineStateViews(DuckDBConnection c) throws SQLException {
    for (KeyedState<?, ?> state : states) {
      if (stateTables.containsKey(state.name()) || unshowable.contains(state.name()) || state.keyType() == null
          || state.stateType() == null) {
        continue;
      }
      Columns columns;
      try {
        columns = Columns.ofState(state.keyType(), state.stateType());
      } catch (IllegalArgumentException e) {
        if (unshowable.add(state.name())) {
          LOG.warn("The state '{}' has no SQL table: {}", state.name(), e.getMessage());
        }
        continue;
      }
      synchronized (this) {
        if (stateTables.putIfAbsent(state.name(), new StateScanFunction.Table(columns, state)) == null) {
          try (Statement s = c.createStatement()) {
            s.execute("CREATE OR REPLACE VIEW " + Sql.quote(state.name()) + " AS SELECT * FROM __uji_state("
                + Sql.literal(state.name()) + ")");
          }
        }
      }
    }
  }

  private SqlQueryException failure(String sql, SQLException e, long elapsedNanos) {
    String message = String.valueOf(e.getMessage());
    boolean timedOut = elapsedNanos >= TimeUnit.MILLISECONDS.toNanos(limits.timeout().milliseconds())
        || message.contains("INTERRUPT") || message.contains("Interrupted");
    if (closed) {
      return new SqlQueryException(SqlQueryException.Reason.FAILED, "The query was cancelled: the context stopped", e);
    }
    if (timedOut) {
      return new SqlQueryException(SqlQueryException.Reason.TIMED_OUT,
          "The query ran longer than its limit of " + limits.timeout() + " and was stopped", e);
    }
    if (message.contains("Permission Error") || message.contains("disabled") || message.contains("lock_configuration")
        || message.contains("locked")) {
      return new SqlQueryException(SqlQueryException.Reason.REFUSED, "Not allowed here: " + message, e);
    }
    return new SqlQueryException(SqlQueryException.Reason.FAILED, message, e);
  }

  private void enter() {
    open.readLock().lock();
    if (closed) {
      open.readLock().unlock();
      throw new IllegalStateException("The SQL engine is closed: its context stopped");
    }
  }

  private void exit() {
    open.readLock().unlock();
  }

  /** Cancels the queries in flight, waits for the calls to end, closes the database. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Statement s : running) {
      try {
        s.cancel();
      } catch (SQLException e) {
        LOG.debug("Cancelling a query failed", e);
      }
    }
    open.writeLock().lock();
    try {
      closeQuietly();
    } finally {
      open.writeLock().unlock();
    }
  }

  private void closeQuietly() {
    try {
      db.close();
    } catch (SQLException e) {
      LOG.warn("Closing DuckDB failed", e);
    }
  }
}
