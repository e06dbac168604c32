package io.uji.sql;

import io.uji.streaming.KeyedState;
import io.uji.streaming.Pair;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Stream;
import org.duckdb.DuckDBDataChunkWriter;
import org.duckdb.DuckDBTableFunction;
import org.duckdb.DuckDBTableFunctionBindInfo;
import org.duckdb.DuckDBTableFunctionCallInfo;
import org.duckdb.DuckDBTableFunctionInitInfo;
import org.duckdb.DuckDBTableFunctionState;
import org.duckdb.DuckDBValue;
import org.duckdb.DuckDBWritableVector;

/**
 * The table function {@code __uji_state(name)}: scans one stateful operator's keyed state (a
 * consistent {@link KeyedState#scan()}, as of a batch boundary) straight into DuckDB's vectors,
 * the columns the query needs only. Nothing is copied into DuckDB between queries: each state
 * table is a view over this function.
 */
final class StateScanFunction implements DuckDBTableFunction<StateScanFunction.Table, StateScanFunction.Cursor, Object> {
  /** A state table: its columns and its state. */
  record Table(Columns columns, KeyedState<?, ?> state) {}

  /** One scan: the wanted columns and the open stream (closed by DuckDB when the scan ends, and by us at its end). */
  static final class Cursor implements DuckDBTableFunctionState {
    private final Table table;
    private final int[] wanted;
    private final Stream<? extends Pair<?, ?>> stream;
    private final Iterator<? extends Pair<?, ?>> rows;

    Cursor(Table table, int[] wanted, Stream<? extends Pair<?, ?>> stream) {
      this.table = table;
      this.wanted = wanted;
      this.stream = stream;
      this.rows = stream.iterator();
    }

    @Override
    public void close() {
      stream.close();
    }
  }

  private final Map<String, Table> tables;

  StateScanFunction(Map<String, Table> tables) {
    this.tables = tables;
  }

  @Override
  public Table bind(DuckDBTableFunctionBindInfo info) {
    String name;
    try (DuckDBValue v = info.getParameter(0)) {
      name = v.getString();
    }
    Table t = tables.get(name);
    if (t == null) {
      throw new IllegalArgumentException("No stateful operator named '" + name + "' has a SQL table");
    }
    for (Column c : t.columns().columns()) {
      info.addResultColumn(c.name(), c.type().duckType());
    }
    return t;
  }

  @Override
  public Cursor init(DuckDBTableFunctionInitInfo info) {
    Table t = info.getBindData();
    int[] wanted = new int[(int) info.getColumnCount()];
    for (int i = 0; i < wanted.length; i++) {
      wanted[i] = (int) info.getColumnIndex(i);
    }
    info.setMaxThreads(1); // one stream, read by one DuckDB thread
    return new Cursor(t, wanted, t.state().scan());
  }

  @Override
  public long apply(DuckDBTableFunctionCallInfo info, DuckDBDataChunkWriter out) {
    Cursor c = info.getInitData();
    long n = 0;
    for (long capacity = out.capacity(); n < capacity && c.rows.hasNext(); n++) {
      Pair<?, ?> row = c.rows.next();
      java.util.List<Column> columns = c.table.columns().columns();
      for (int i = 0; i < c.wanted.length; i++) {
        DuckDBWritableVector vector = out.vector(i);
        if (c.wanted[i] < 0 || c.wanted[i] >= columns.size()) {
          vector.setNull(n); // a virtual column (DuckDB's row id), which no query reads
          continue;
        }
        Column col = columns.get(c.wanted[i]);
        Object v = col.read().apply(row);
        if (v == null) {
          vector.setNull(n);
        } else {
          col.type().set(vector, n, v);
        }
      }
    }
    if (n == 0) {
      c.close(); // the end: release the state's snapshot without waiting for DuckDB
    }
    return n;
  }
}
