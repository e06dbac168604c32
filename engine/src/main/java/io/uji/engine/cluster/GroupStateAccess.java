package io.uji.engine.cluster;

import java.util.List;
import java.util.Optional;

/**
 * Raw access to the keyed state of key groups that are not running (being restored or kept as
 * standbys), for the member's changelog reader. Implemented by the engine over the state store;
 * callable from the member's threads. Writes wait while a local checkpoint is being captured.
 */
public interface GroupStateAccess {
  /** @return P, the number of key groups */
  int groups();

  /** @return the program's stateful operators, in program order */
  List<StatefulOperator> operators();

  /**
   * @return the changelog positions recorded in the checkpoint this context recovered from, if it
   *     recovered from a group-mode checkpoint
   */
  Optional<ChangelogPositions> restoredPositions();

  /**
   * @return a wall time before which the restored copy of {@code operator}'s {@code group} had not
   *     reached its position of {@link #restoredPositions()} (its age is at most now minus this: a
   *     copy older than the changelog's tombstone retention may have missed a deletion); -1 when
   *     unknown
   */
  default long restoredPositionReachedAfterMs(String operator, int group) {
    return -1;
  }

  /** Removes every entry of {@code operator}'s key group {@code group} (before a full restore). */
  void wipe(String operator, int group);

  /**
   * Writes {@code changes} (all of {@code operator} and key group {@code group}, in changelog
   * order, a later change of a key replacing an earlier one) into the state as stored bytes,
   * without deserializing them.
   *
   * @throws IllegalStateException if {@code group} is running here
   */
  void apply(String operator, int group, List<StateChange> changes);

  /**
   * A stateful operator as the membership side needs it.
   *
   * @param name its name (the changelog topic is named after it)
   * @param kind "mapWithState" or "updateStateByKey"
   * @param signature a hash of its key and state types and key encoding, equal in every instance
   *     running the same program
   */
  record StatefulOperator(String name, String kind, long signature) {}
}
