package io.uji.engine.graph;

import io.uji.streaming.Pair;

/**
 * The one check of a keyed record that every keyed operator makes (shuffles, joins, windows,
 * keyed state, sorting), so that a null key fails the same way everywhere, naming the operator
 * the user called, instead of being put into partition 0 by one operator and crashing another.
 */
public final class Keys {
  private Keys() {}

  /**
   * @param operator the operator in the user's terms ("reduceByKey", "updateStateByKey 'totals'")
   * @return the record's key
   * @throws NullPointerException if the record or its key is null, naming the operator
   */
  public static <K> K of(Pair<K, ?> record, String operator) {
    if (record == null) {
      throw new NullPointerException(operator + ": a record of its keyed input is null (a keyed stream needs a"
          + " (key, value) pair for every record)");
    }
    K key = record.key();
    if (key == null) {
      throw new NullPointerException(operator + ": the record " + record + " has a null key; keyed operators need a"
          + " key for every record: filter such records out or give them a key before " + operator);
    }
    return key;
  }
}
