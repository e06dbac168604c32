package io.uji.sql;

import io.uji.streaming.Pair;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * The columns of a table of Java objects: a record's components (snake_case names); a {@link
 * Pair}'s {@code key} and {@code value}, each replaced by its components when it is a record;
 * anything else one column {@code value}. Accessors are bound once (method handles), not looked
 * up per row.
 *
 * @param columns in order
 */
record Columns(List<Column> columns) {
  Columns {
    columns = List.copyOf(columns);
    Set<String> seen = new HashSet<>();
    for (Column c : columns) {
      if (!seen.add(c.name())) {
        throw new IllegalArgumentException("Two fields would both be the column '" + c.name()
            + "'; rename one of them");
      }
    }
  }

  /**
   * @return the columns of elements like {@code sample} (a batch's first element)
   * @throws IllegalArgumentException if a field has a type SQL cannot show
   */
  static Columns ofElement(Object sample) {
    List<Column> out = new ArrayList<>();
    if (sample instanceof Pair<?, ?> p) {
      addSide(out, "key", p.key() == null ? Object.class : p.key().getClass(), o -> ((Pair<?, ?>) o).key());
      addSide(out, "value", p.value() == null ? Object.class : p.value().getClass(), o -> ((Pair<?, ?>) o).value());
    } else {
      addSide(out, "value", sample.getClass(), Function.identity());
    }
    return new Columns(out);
  }

  /**
   * @return the columns of a keyed state's (key, state) pairs
   * @throws IllegalArgumentException if the key or the state has a type SQL cannot show
   */
  static Columns ofState(Class<?> keyType, Class<?> stateType) {
    List<Column> out = new ArrayList<>();
    addSide(out, "key", keyType, o -> ((Pair<?, ?>) o).key());
    addSide(out, "value", stateType, o -> ((Pair<?, ?>) o).value());
    return new Columns(out);
  }

  /** Adds one column named {@code name}, or the record's components in its place. */
  private static void addSide(List<Column> out, String name, Class<?> type, Function<Object, Object> get) {
    if (type.isRecord()) {
      for (RecordComponent c : type.getRecordComponents()) {
        Function<Object, Object> component = accessor(c.getAccessor());
        SqlType t = SqlType.of(c.getType(), type.getSimpleName() + "." + c.getName());
        out.add(new Column(snake(c.getName()), t, o -> {
          Object r = get.apply(o);
          return r == null ? null : component.apply(r);
        }));
      }
    } else {
      out.add(new Column(name, SqlType.of(type, "the " + name), get));
    }
  }

  /** Binds a record accessor once; records of a user's private classes too. */
  private static Function<Object, Object> accessor(Method m) {
    try {
      m.setAccessible(true);
      MethodHandle h = MethodHandles.lookup().unreflect(m).asType(MethodType.methodType(Object.class, Object.class));
      return o -> {
        try {
          return h.invokeExact(o);
        } catch (RuntimeException | Error e) {
          throw e;
        } catch (Throwable t) {
          throw new IllegalStateException("Reading " + m + " failed", t);
        }
      };
    } catch (IllegalAccessException | RuntimeException e) {
      throw new IllegalArgumentException("Cannot read " + m + " for SQL: " + e.getMessage(), e);
    }
  }

  static String snake(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }

  /** @return the column list of a CREATE TABLE */
  String ddl() {
    StringBuilder sb = new StringBuilder();
    for (Column c : columns) {
      sb.append(sb.length() == 0 ? "" : ", ").append(Sql.quote(c.name())).append(' ').append(c.type().name());
    }
    return sb.toString();
  }
}
