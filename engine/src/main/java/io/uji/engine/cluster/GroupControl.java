package io.uji.engine.cluster;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The engine's side of a group membership (implemented by the engine, called by the member's
 * group thread). Key groups are numbered 0..P-1, P = the keyed input's partition count; key group
 * g is partition g of every input topic and group g of every stateful operator's state.
 *
 * <p>Per key group: {@code NONE -> (restore by the member) -> activate -> RUNNING -> revoke ->
 * DORMANT}; {@code lost} and {@code resetAll} take every running group back to {@code NONE}.
 *
 * <p>Threads: {@link #revoke}, {@link #activate}, {@link #lost} and {@link #resetAll} wait for the
 * running batch to end (they change what runs at a batch boundary), and the running batch ends
 * with {@link ClusterMember#commit}: a member must not call them from a thread its commit waits for.
 * They may be called from within {@code commit} itself (the batch runner thread).
 */
public interface GroupControl {
  /**
   * The member is about to rejoin; the group's generation is unknown until its next assignment or
   * revocation callback. Batches keep running.
   */
  void rebalanceStarted();

  /**
   * Stops running {@code groups} at a batch boundary: no batch generated from now on takes input
   * for them; blocks until every batch that took input for them has been committed (or deferred
   * and then committed: the member must keep committing while this call waits); then forgets their
   * input positions and keeps their state as a dormant copy: exactly their changelogs up to this
   * instance's last committed changes of them (continue it with {@link GroupStateAccess#apply}, or
   * {@link GroupStateAccess#wipe} it).
   *
   * @param groups key groups this instance runs (others are ignored)
   */
  void revoke(Set<Integer> groups);

  /**
   * Starts running {@code group} from the next batch: its state is restored (through {@link
   * #stateAccess()}) up to the input positions given.
   *
   * @param group the key group
   * @param start per source partition of the group (the ids of {@link KeyedSourceSpec#partitions}),
   *     the first position to read; a partition missing from the map starts where the source says
   *     ({@link io.uji.streaming.SourcePartition#start()} of its listing)
   */
  void activate(int group, Map<String, Long> start);

  /**
   * The member lost {@code groups} without revoking them (removed from the group, its session
   * expired): the live state of every running group may be ahead of what was committed, so this
   * resets as {@link #resetAll}.
   */
  void lost(Set<Integer> groups, String reason);

  /**
   * Puts every running group back to its last committed state: stops taking input, waits for the
   * running batch, discards queued batches and what the member holds uncommitted ({@link
   * ClusterMember#groupsReset}), empties each running group's state (its
   * restore reads its changelogs from the log start), and marks them not running; dormant copies are kept. The member then rejoins and
   * activates again whatever it is assigned.
   *
   * @param reason why, for the log ("fenced", "removed from the group", ...)
   */
  void resetAll(String reason);

  /**
   * @return where this context's status page answers ({@code host:port}), if it serves one: the
   *     address a member publishes when its program gave none, so that the page's state lookups
   *     can be redirected to the instance that holds a key
   */
  default Optional<String> statusAddress() {
    return Optional.empty();
  }

  /** @return raw access to the keyed state, for restoring key groups */
  GroupStateAccess stateAccess();

  /**
   * The membership cannot go on (a permanent error: authorization, a missing topic, an incompatible
   * program): stops the context, which fails with {@code error} (its awaitTermination throws it).
   * Returns at once.
   */
  void fail(Throwable error);
}
