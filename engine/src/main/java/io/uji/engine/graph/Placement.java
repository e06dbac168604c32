package io.uji.engine.graph;

import java.util.Objects;

/**
 * Where a node's records sit, as far as keyed state cares. {@link #NONE}: anywhere (the default).
 * {@code BY_ORIGIN}: the node's datasets have exactly {@link #partitions()} partitions and
 * partition i holds only records (keys) read from partition i of the keyed input {@link
 * #source()}, so a key's records are all in the partition of its origin and the partition number
 * is the key's group (docs/design/scale-out.md section 2).
 *
 * @param kind which of the two
 * @param source the keyed input's identity ({@code ""} for {@code NONE})
 * @param partitions the keyed input's partition count (0 for {@code NONE})
 */
public record Placement(Kind kind, String source, int partitions) {
  /** Records anywhere: the default. */
  public static final Placement NONE = new Placement(Kind.NONE, "", 0);

  /** The two kinds. */
  public enum Kind {
    NONE,
    BY_ORIGIN
  }

  public Placement {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(source, "source");
    if (kind == Kind.BY_ORIGIN && partitions <= 0) {
      throw new IllegalArgumentException("A placement by origin needs partitions: " + partitions);
    }
  }

  /** @return the placement of the records of keyed input {@code source}'s {@code partitions} partitions */
  public static Placement byOrigin(String source, int partitions) {
    return new Placement(Kind.BY_ORIGIN, source, partitions);
  }

  /** @return whether records are placed by their origin */
  public boolean isByOrigin() {
    return kind == Kind.BY_ORIGIN;
  }

  @Override
  public String toString() {
    return isByOrigin() ? "BY_ORIGIN(" + source + ", " + partitions + ")" : "NONE";
  }
}
