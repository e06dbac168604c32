package io.uji.streaming;

/**
 * A key and a value: the element type of keyed streams ({@link PairDStream}). Spark's Java API
 * uses {@code scala.Tuple2}; Uji uses a record so keys and values have names.
 */
public record Pair<K, V>(K key, V value) {
  public static <K, V> Pair<K, V> of(K key, V value) {
    return new Pair<>(key, value);
  }
}
