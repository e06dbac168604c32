package io.uji.engine.state;

import io.uji.streaming.State;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * The {@link State} handed to mapping functions. One instance per partition task, re-wrapped
 * for every call (as Spark does), so a call allocates nothing here.
 */
final class StateImpl<S> implements State<S> {
  private S state;
  private boolean defined;
  private boolean removed;
  private boolean updated;
  private boolean timingOut;

  /** Prepares a call on a key whose state is {@code s} ({@code exists} false: none). */
  void wrap(S s, boolean exists) {
    state = s;
    defined = exists;
    removed = false;
    updated = false;
    timingOut = false;
  }

  /** Prepares the timeout call of a key whose state is {@code s}. */
  void wrapTimingOut(S s) {
    wrap(s, true);
    timingOut = true;
  }

  boolean isRemoved() {
    return removed;
  }

  boolean isUpdated() {
    return updated;
  }

  @Override
  public boolean exists() {
    return defined;
  }

  @Override
  public S get() {
    if (!defined) {
      throw new NoSuchElementException("State is not set");
    }
    return state;
  }

  @Override
  public void update(S newState) {
    if (removed) {
      throw new IllegalArgumentException("Cannot update the state after it has been removed");
    }
    if (timingOut) {
      throw new IllegalArgumentException("Cannot update the state that is timing out");
    }
    state = Objects.requireNonNull(newState, "newState (use remove() to remove a state)");
    defined = true;
    updated = true;
  }

  @Override
  public void remove() {
    if (timingOut) {
      throw new IllegalArgumentException("Cannot remove the state that is timing out");
    }
    if (removed) {
      throw new IllegalArgumentException("Cannot remove the state that has already been removed");
    }
    state = null;
    defined = false;
    updated = false;
    removed = true;
  }

  @Override
  public boolean isTimingOut() {
    return timingOut;
  }

  @Override
  public String toString() {
    return defined ? "State[" + state + "]" : "State[<none>]";
  }
}
