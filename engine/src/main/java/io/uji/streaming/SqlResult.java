package io.uji.streaming;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The rows one SQL query returned.
 *
 * @param columns the column labels, in order
 * @param rows the rows, each with one value per column (null for SQL NULL; Long, Integer,
 *     Double, String, Boolean, BigDecimal... as the JDBC driver gives them)
 * @param truncated true when the query had more rows than {@link SqlLimits#maxRows()}
 */
public record SqlResult(List<String> columns, List<List<Object>> rows, boolean truncated) {
  /**
   * Holds a copy of the columns and rows, unmodifiable (values may be null), so the result can
   * be kept and shared after the query.
   *
   * @throws NullPointerException if {@code columns} or {@code rows} is null, or a column label is
   */
  public SqlResult {
    columns = List.copyOf(columns);
    List<List<Object>> copy = new ArrayList<>(rows.size());
    for (List<Object> r : rows) {
      copy.add(Collections.unmodifiableList(new ArrayList<>(r))); // values may be null
    }
    rows = Collections.unmodifiableList(copy);
  }
}
