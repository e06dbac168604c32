package io.uji.engine.state;

/**
 * What mapWithState stores per key: the user's state plus the times its timeout needs. Mutable
 * on purpose: the instance lives in the state cache and is updated in place, then put back
 * (so an update allocates nothing); never shared across keys.
 *
 * <p>{@code filedAt} is the time under which the key is filed in the partition's time index.
 * A key is filed once, not on every refresh: when its bucket comes due and the key was seen
 * since, it is filed again under its last-seen time (see {@link MapWithStateNode}). An index
 * entry whose time differs from {@code filedAt} is stale (left by an earlier life of the key).
 */
public final class TimedState<S> {
  S state;
  long lastSeen;
  long filedAt;

  TimedState(S state, long lastSeen, long filedAt) {
    this.state = state;
    this.lastSeen = lastSeen;
    this.filedAt = filedAt;
  }

  /** @return the user's state */
  public S state() {
    return state;
  }

  @Override
  public String toString() {
    return "TimedState[" + state + ", lastSeen=" + lastSeen + ", filedAt=" + filedAt + "]";
  }
}
