package io.uji.examples;

import io.uji.streaming.DStream;
import io.uji.streaming.Dataset;
import io.uji.streaming.Duration;
import io.uji.streaming.MapWithStateDStream;
import io.uji.streaming.Pair;
import io.uji.streaming.PairDStream;
import io.uji.streaming.State;
import io.uji.streaming.StateSpec;
import io.uji.streaming.Time;
import java.util.List;
import java.util.Optional;

/**
 * The session-count job's stateful part, all of it in Uji's keyed state (RocksDB), so a restart
 * from the checkpoint directory continues exactly:
 *
 * <ul>
 *   <li>{@code sessions} (mapWithState): per user, the events of its current session. A user idle
 *       for the session timeout gets one last call: its session summary is emitted and its state
 *       removed.
 *   <li>{@code totals} (updateStateByKey on one key): events processed so far, and the sum and
 *       number of the users' counts in {@code sessions}, kept up to date from what
 *       {@code sessions} emits, so the job knows when all events are in and can print the totals
 *       without scanning every user's state.
 * </ul>
 */
final class Sessions {
  private Sessions() {}

  /**
   * What {@code sessions} emits per event (the user's new count) or per ended session.
   *
   * @param ended true when the session timed out; then {@code count} is its number of events
   */
  record Update(String user, long count, boolean ended) {}

  /** The job-wide figures: events processed, sum of the users' counts, users with a count. */
  record Totals(long processed, long eventsInState, long usersWithState) {
    static final Totals ZERO = new Totals(0, 0, 0);

    Totals plus(long[] delta) {
      return new Totals(processed + delta[0], eventsInState + delta[1], usersWithState + delta[2]);
    }
  }

  /** mapWithState's function: count the event, or close the idle session. */
  static Update track(String user, Optional<Long> event, State<Long> session) {
    if (session.isTimingOut()) {
      return new Update(user, session.get(), true);
    }
    long count = session.getOption().orElse(0L) + 1;
    session.update(count);
    return new Update(user, count, false);
  }

  /**
   * Builds both stateful operators over {@code users} (one user id per event).
   *
   * @param sessionTimeout idle time after which a user's session ends
   * @param onUpdates called every batch with that batch's updates (for the top-users display)
   * @param onTotals called every batch (replays included) with the totals after it
   * @param registerBatches whether each batch's updates become the SQL table {@code session_updates}
   * @return the updates of {@code sessions} (one per event, and one per ended session)
   */
  static MapWithStateDStream<String, Long, Long, Update> countInto(DStream<String> users, Duration sessionTimeout,
      java.util.function.Consumer<Dataset<Update>> onUpdates, java.util.function.BiConsumer<Totals, Time> onTotals,
      boolean registerBatches) {
    MapWithStateDStream<String, Long, Long, Update> sessions = users
        .mapToPair(user -> Pair.of(user, 1L))
        .mapWithState(StateSpec.function(Sessions::track).timeout(sessionTimeout).types(String.class, Long.class))
        .name("sessions");
    sessions.foreachBatch(onUpdates);
    if (registerBatches) {
      sessions.registerLatestAsTable("session_updates"); // the seed's %sql over each batch
    }
    sessions
        .transformToPair(batch -> Dataset.of(List.of(List.of(Pair.of("all", delta(batch))))))
        .updateStateByKey((List<long[]> deltas, Optional<long[]> totals) -> {
          long[] sum = totals.map(long[]::clone).orElse(new long[3]);
          for (long[] d : deltas) {
            for (int i = 0; i < 3; i++) {
              sum[i] += d[i];
            }
          }
          return Optional.of(sum);
        })
        .name("totals")
        .types(String.class, long[].class)
        .foreachBatch((d, t) -> {
          for (Pair<String, long[]> kv : d.collect()) {
            onTotals.accept(Totals.ZERO.plus(kv.value()), t);
          }
        });
    return sessions;
  }

  /**
   * @return per batch, each user whose session count changed, with the count after the batch:
   *     one record per user and batch, each user's counts growing within a session
   */
  static PairDStream<String, Long> updatedCounts(DStream<Update> updates) {
    return updates.filter(u -> !u.ended()).mapToPair(u -> Pair.of(u.user(), u.count())).reduceByKey(Math::max);
  }

  /** @return {processed, change of the sum of counts, change of the number of users} for one batch */
  private static long[] delta(Dataset<Update> batch) {
    long[] d = new long[3];
    for (List<Update> part : batch.partitions()) {
      for (Update u : part) {
        if (u.ended()) {
          d[1] -= u.count();
          d[2]--;
        } else {
          d[0]++;
          d[1]++;
          if (u.count() == 1) {
            d[2]++;
          }
        }
      }
    }
    return d;
  }
}
