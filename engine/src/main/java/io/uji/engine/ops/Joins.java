package io.uji.engine.ops;

import io.uji.streaming.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The four joins as functions of one key's cogrouped values (left side's, right side's), shared by
 * the keyed streams and the keyed datasets. Spark's semantics: every combination of a left and a
 * right value; an outer side without values contributes one empty {@code Optional}.
 */
public final class Joins {
  private Joins() {}

  /** @return every (v, w) */
  public static <V, W> List<Pair<V, W>> inner(Pair<List<V>, List<W>> g) {
    List<Pair<V, W>> out = new ArrayList<>(g.key().size() * g.value().size());
    for (V v : g.key()) {
      for (W w : g.value()) {
        out.add(new Pair<>(v, w));
      }
    }
    return out;
  }

  /** @return every (v, w), or (v, empty) for each v when there is no w */
  public static <V, W> List<Pair<V, Optional<W>>> leftOuter(Pair<List<V>, List<W>> g) {
    List<Pair<V, Optional<W>>> out = new ArrayList<>();
    for (V v : g.key()) {
      if (g.value().isEmpty()) {
        out.add(new Pair<>(v, Optional.empty()));
      }
      for (W w : g.value()) {
        out.add(new Pair<>(v, Optional.ofNullable(w)));
      }
    }
    return out;
  }

  /** @return every (v, w), or (empty, w) for each w when there is no v */
  public static <V, W> List<Pair<Optional<V>, W>> rightOuter(Pair<List<V>, List<W>> g) {
    List<Pair<Optional<V>, W>> out = new ArrayList<>();
    for (W w : g.value()) {
      if (g.key().isEmpty()) {
        out.add(new Pair<>(Optional.empty(), w));
      }
      for (V v : g.key()) {
        out.add(new Pair<>(Optional.ofNullable(v), w));
      }
    }
    return out;
  }

  /** @return every (v, w), with empty on the side that has no value */
  public static <V, W> List<Pair<Optional<V>, Optional<W>>> fullOuter(Pair<List<V>, List<W>> g) {
    List<Pair<Optional<V>, Optional<W>>> out = new ArrayList<>();
    if (g.value().isEmpty()) {
      for (V v : g.key()) {
        out.add(new Pair<>(Optional.ofNullable(v), Optional.empty()));
      }
    } else if (g.key().isEmpty()) {
      for (W w : g.value()) {
        out.add(new Pair<>(Optional.empty(), Optional.ofNullable(w)));
      }
    } else {
      for (V v : g.key()) {
        for (W w : g.value()) {
          out.add(new Pair<>(Optional.ofNullable(v), Optional.ofNullable(w)));
        }
      }
    }
    return out;
  }
}
