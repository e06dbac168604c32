package io.uji.sql;

import java.util.function.Function;

/**
 * One column of a table made from Java objects.
 *
 * @param name the column's name (snake_case of the field)
 * @param type its SQL type
 * @param read reads the column's value from one element (null for SQL NULL)
 */
record Column(String name, SqlType type, Function<Object, Object> read) {}
