package io.uji.streaming;

/**
 * A key and a value: the element type of keyed streams ({@link PairDStream}). Spark's Java API
 * uses {@code scala.Tuple2}; Uji uses a record so keys and values have names.
 */
public record Pair<K, V>(K key, V value) {
  /**
   * A pair; the same as the constructor, shorter in lambdas ({@code w -> Pair.of(w, 1)}), like
   * Spark's {@code new Tuple2<>(w, 1)}.
   *
   * @param <K> the key type
   * @param <V> the value type
   * @param key the key; keyed operators refuse a null key, naming the operator
   * @param value the value, may be null
   * @return the pair
   */
  public static <K, V> Pair<K, V> of(K key, V value) {
    return new Pair<>(key, value);
  }
}
